"""The login throttle's counters (``throttle`` holds the rules; ``actions`` and ``queries`` use this table)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from . import throttle


class LoginThrottle(models.Model):
    """Failed logins counted against one login ID, one client address or one registered browser (``scope``).

    ``failures`` is counted up in the database by one UPDATE per failure, so two failures at once both count.
    ``until`` is the end of the wait the failures impose (None: none yet); ``forget_at`` is when they stop counting,
    after which the row is removed. An unknown login ID gets its row like a real one, so the two look the same.
    """

    class Scope(models.TextChoices):
        ACCOUNT = throttle.ACCOUNT, _("ログインID")
        ADDRESS = throttle.ADDRESS, _("接続元")
        DEVICE = throttle.DEVICE, _("登録済みの端末")

    # Not station data: HQ administrators list it, guarded by their permission; nobody else reads it.
    STATION_PATH = None

    scope = models.CharField(_("区分"), max_length=10, choices=Scope.choices)
    # The login ID as typed, the address, or the browser's device token.
    key = models.CharField(_("対象"), max_length=200)
    # The login ID the failures were against (for a device, the one it is registered for; for an address, the last).
    username = models.CharField(_("ログインID"), max_length=150, blank=True)
    failures = models.PositiveIntegerField(_("失敗回数"), default=0)
    last_failure_at = models.DateTimeField(_("最後の失敗"), null=True, blank=True)
    until = models.DateTimeField(_("待ち時間の終わり"), null=True, blank=True, db_index=True)
    forget_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = _("ログインの待ち時間")
        ordering = ["-until", "pk"]
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="access_login_throttle_scope_key")]

    def __str__(self):
        return f"{self.scope} {self.key} {self.failures}"
