"""Notifications: each officer's to-do items as they appear (``liaison.findings.todo``), kept until read, e-mailed
once in the daily digest, marked resolved when the record behind them is fixed."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    """One to-do item of one officer, once per key: it reappears (unread, not e-mailed) if its item comes back."""

    # Only the officer it is for may see it, whatever their role (access.policy.visible_to).
    STATION_PATH = None
    OWNER_PATH = "officer__user"

    officer = models.ForeignKey("org.Officer", on_delete=models.CASCADE, related_name="notifications")
    key = models.CharField(max_length=200)
    text = models.CharField(_("内容"), max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(_("通知日時"))
    read_at = models.DateTimeField(_("既読日時"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("メール送信日時"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("解消日時"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(fields=["officer", "key"], name="notification_once_per_key")]
        indexes = [
            # The header's unread count and the digest's unsent items read these.
            models.Index(
                fields=["officer"],
                condition=models.Q(read_at__isnull=True, resolved_at__isnull=True),
                name="notification_unread",
            ),
            models.Index(
                fields=["officer"],
                condition=models.Q(emailed_at__isnull=True, resolved_at__isnull=True),
                name="notification_unsent",
            ),
        ]

    def __str__(self):
        return self.text


class DigestPreference(models.Model):
    """An officer's choice about the daily digest e-mail; no row means the e-mail is on."""

    STATION_PATH = None
    OWNER_PATH = "officer__user"

    officer = models.OneToOneField("org.Officer", on_delete=models.CASCADE, related_name="digest_preference")
    email = models.BooleanField(_("毎日のお知らせをメールで受け取る"), default=True)

    def __str__(self):
        return f"{self.officer}: {self.email}"
