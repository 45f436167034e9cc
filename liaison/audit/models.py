"""Append-only audit entries: who did what to which record, when and from where (X2)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("audit entries cannot be changed")

    def delete(self):
        raise PermissionError("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """One audited event. Rows are written once and never changed; a database trigger refuses UPDATE as well."""

    STATION_PATH = "station"

    class Kind(models.TextChoices):
        WRITE = "write", _("変更")
        VIEW = "view", _("閲覧")
        EXPORT = "export", _("出力")
        AUTH = "auth", _("認証")

    at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)
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
