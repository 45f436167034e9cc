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
