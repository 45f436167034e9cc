"""Print jobs: large batches of forms rendered in the background, with progress the requester can watch."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PrintJob(models.Model):
    """One background print of a batch of documents (C6.3 letters first); the PDF is kept for download.

    ``kind`` names a registered document kind (``reports.kinds``), which says how to load ``object_ids``, who may
    print them and how to render them; the kinds are code, not choices, so a new kind needs no migration.
    """

    STATION_PATH = "station"

    class Status(models.TextChoices):
        QUEUED = "queued", _("待機中")
        RUNNING = "running", _("作成中")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")

    station = models.ForeignKey("org.Station", verbose_name=_("警察署"), on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("依頼者"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("種類"), max_length=40)
    object_ids = models.JSONField(_("印刷する対象"), default=list)
    total = models.PositiveIntegerField(_("枚数"), default=0)
    done = models.PositiveIntegerField(_("作成済み"), default=0)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(_("エラー"), blank=True)
    result = models.FileField(_("PDF"), upload_to="print_jobs/%Y/%m/", blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("印刷ジョブ")

    def __str__(self):
        return f"{self.kind} {self.total}件"

    @property
    def document(self):
        """The job's document kind (``reports.kinds.DocumentKind``); LookupError when no such kind is registered."""
        from .kinds import get

        return get(self.kind)

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)


class WorkerHeartbeat(models.Model):
    """A running background worker (``manage.py db_worker``), seen at ``last_seen``: print-job pages tell whether
    anyone will pick a queued job up. A worker removes its row when it stops; a row that stops moving is stale."""

    STATION_PATH = None  # says nothing about people or stations

    worker_id = models.CharField(max_length=64, unique=True)
    host = models.CharField(max_length=255, blank=True)
    pid = models.PositiveIntegerField(null=True, blank=True)
    started_at = models.DateTimeField()
    last_seen = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("ワーカーの稼働記録")

    def __str__(self):
        return f"{self.host}:{self.pid} {self.last_seen:%Y-%m-%d %H:%M:%S}"


class Submission(models.Model):
    """One round of a report about one object: submitted by someone, then approved or returned by an approver.

    ``kind`` names a registered routing kind (``reports.routing``: Form 2 of a council, a good-practice report, Form
    3 of a meeting next), which says how to load the object ``object_id`` and who may submit and decide. A returned
    report corrected and submitted again is a new round; every round stays, so the object's page shows each step
    (who, when, comment). At most one round per object and kind is open at a time (the constraint is what makes two
    simultaneous submissions fail, not a check before the insert).
    """

    STATION_PATH = "station"

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("決裁待ち")
        APPROVED = "approved", _("受理・決裁済み")
        RETURNED = "returned", _("差戻し")

    kind = models.CharField(_("種類"), max_length=40)
    object_id = models.PositiveBigIntegerField()
    # The object's station when it was submitted: who sees the round, and whose approvers decide it.
    station = models.ForeignKey("org.Station", verbose_name=_("警察署"), on_delete=models.PROTECT, related_name="+")
    label = models.CharField(_("件名"), max_length=200)  # the object's name then, for lists that do not load it
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    # C11.2: the submitter marked the report 軽易かつ定型的, so the deputy may decide it for the chief.
    routine = models.BooleanField(_("軽易かつ定型的"), default=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提出者"), on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提出日時"))
    note = models.TextField(_("提出時のコメント"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("決裁者"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("決裁日時"), null=True, blank=True)
    comment = models.TextField(_("決裁時のコメント"), blank=True)
    # True on the latest round of an object and kind: lists of "returned, waiting for correction" read it.
    latest = models.BooleanField(default=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("報告の提出")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id"],
                condition=models.Q(status="submitted"),
                name="report_submission_one_open",
            ),
            models.UniqueConstraint(
                fields=["kind", "object_id"], condition=models.Q(latest=True), name="report_submission_one_latest"
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "object_id", "submitted_at"], name="report_submission_object"),
            models.Index(fields=["status", "station"], name="report_submission_waiting"),
        ]

    def __str__(self):
        return f"{self.label}（{self.get_status_display()}）"

    @property
    def routing(self):
        """The round's routing kind (``reports.routing.RoutingKind``); LookupError when none is registered."""
        from .routing import get

        return get(self.kind)

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def noun(self) -> str:
        """What is reported (設置報告書, 好事例 …), for lists of rounds of every kind."""
        try:
            return self.routing.noun
        except LookupError:
            return self.kind


class GoodPractice(models.Model):
    """C11.1(2): a good-practice report (好事例) of a station to HQ, free format, whenever one occurs.

    It is sent through the report routing (kind ``good_practice``): HQ accepts it or returns it for correction.
    """

    STATION_PATH = "station"
    KOBAN_PATH = "koban"

    station = models.ForeignKey("org.Station", verbose_name=_("警察署"), on_delete=models.PROTECT, related_name="+")
    # The koban it is about (a koban chief's report); empty for a report of the station as a whole.
    koban = models.ForeignKey(
        "org.Koban", verbose_name=_("交番・駐在所"), on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    title = models.CharField(_("件名"), max_length=200)
    text = models.TextField(_("内容"))
    occurred_on = models.DateField(_("実施日"), db_index=True)
    # The meetings and cases the practice came from (optional); links live here, in the higher app.
    meetings = models.ManyToManyField("meetings.Meeting", verbose_name=_("関連する会議"), blank=True, related_name="+")
    cases = models.ManyToManyField("cases.Case", verbose_name=_("関連する意見・要望"), blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("作成者"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_on", "-pk"]
        verbose_name = _("好事例")
        indexes = [models.Index(fields=["station", "occurred_on"], name="good_practice_station_date")]

    def __str__(self):
        return self.title


class GoodPracticeAttachment(models.Model):
    """A file attached to a good-practice report (photos, handouts, a write-up)."""

    STATION_PATH = "good_practice__station"
    KOBAN_PATH = "good_practice__koban"

    good_practice = models.ForeignKey(GoodPractice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("ファイル"), upload_to="good_practice/%Y/%m/")
    name = models.CharField(_("ファイル名"), max_length=200)  # as uploaded: the stored name may differ
    size = models.PositiveIntegerField(_("サイズ"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("好事例の添付ファイル")

    def __str__(self):
        return self.name
