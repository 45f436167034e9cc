"""Append-only audit entries: who did what to which record, when and from where (X2)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit entries cannot be changed")

    def delete(self):
        raise PermissionError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """One audited event. Rows are written once and never changed; database triggers refuse UPDATE and DELETE.

    Entries form a hash chain (``chain.py``): ``seq`` counts them without gaps, ``previous_hash`` is the hash of the
    entry before, ``hash`` this entry's own. ``manage.py verify_audit`` walks it. Write entries only through
    ``log.record`` (and friends), which chains them under a lock on the chain head.
    """

    STATION_PATH = "station"

    class Kind(models.TextChoices):
        WRITE = "write", _("変更")
        VIEW = "view", _("閲覧")
        EXPORT = "export", _("出力")
        AUTH = "auth", _("認証")
        DENIED = "denied", _("拒否")

    # Set by ``log.append`` before the hash is computed (auto_now_add would set it later, inside save).
    at = models.DateTimeField(_("日時"), default=timezone.now, editable=False, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作者"), null=True, on_delete=models.PROTECT, related_name="+"
    )
    user_label = models.CharField(_("操作者"), max_length=100)
    kind = models.CharField(_("区分"), max_length=10, choices=Kind.choices)
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    summary = models.CharField(_("内容"), max_length=300)
    object_type = models.CharField(_("対象の種類"), max_length=60, blank=True)
    object_id = models.CharField(_("対象のID"), max_length=40, blank=True)
    object_label = models.CharField(_("対象"), max_length=200, blank=True)
    station = models.ForeignKey(
        "org.Station", verbose_name=_("警察署"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    personal_data = models.BooleanField(_("個人情報"), default=False)
    ip_address = models.GenericIPAddressField(_("接続元"), null=True, blank=True)
    detail = models.JSONField(_("詳細"), default=dict, blank=True)
    seq = models.PositiveBigIntegerField(_("通し番号"), unique=True)
    previous_hash = models.CharField(_("前の記録のハッシュ"), max_length=64)
    hash = models.CharField(_("ハッシュ"), max_length=64)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("監査記録")
        indexes = [models.Index(fields=["station", "-at"], name="audit_station_at")]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_label} {self.summary}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit entries cannot be deleted")


class AuditChainHead(models.Model):
    """The end of the audit chain: how many entries there are and the hash of the last one. One row (pk 1).

    Appending locks this row, so two transactions never chain on the same predecessor; and because the head is kept
    apart from the entries, entries removed from the end (or a TRUNCATE) leave it pointing past what is left.
    """

    count = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("監査記録の末尾")

    def __str__(self):
        return f"{self.count} {self.last_hash}"


def _export_file_name(job, filename):
    # A random name: the file is a list of personal data, reached only through the job's download view.
    return f"export_jobs/{uuid.uuid4().hex}.{job.fmt}"


class ExportJob(models.Model):
    """A list export too long to write within one request (more rows than ``settings.EXPORT_INLINE_ROWS``): the
    background worker runs the same list view as the same user with the stored parameters and keeps the file here
    until its user downloads it. Only its own user sees it (``OWNER_PATH``); finished files go after a day."""

    STATION_PATH = "station"
    OWNER_PATH = "user"

    class Status(models.TextChoices):
        QUEUED = "queued", _("待機中")
        RUNNING = "running", _("作成中")
        DONE = "done", _("完了")
        FAILED = "failed", _("失敗")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("依頼者"), on_delete=models.PROTECT, related_name="+"
    )
    station = models.ForeignKey(
        "org.Station", verbose_name=_("警察署"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("一覧"), max_length=200)
    path = models.CharField(_("一覧のURL"), max_length=500)
    # The list's query string as pairs (a filter may repeat), without the page.
    params = models.JSONField(_("条件"), default=list)
    fmt = models.CharField(_("形式"), max_length=4)
    encoding = models.CharField(_("文字コード"), max_length=10, default="utf-8-sig")
    total = models.PositiveIntegerField(_("件数"), default=0)
    done = models.PositiveIntegerField(_("作成済み"), default=0)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(_("エラー"), blank=True)
    result = models.FileField(_("ファイル"), upload_to=_export_file_name, blank=True)
    file_name = models.CharField(_("ファイル名"), max_length=255, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("出力ジョブ")

    def __str__(self):
        return f"{self.title} {self.total}件"

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
