"""The one table the helpers need: spent form tokens (see :mod:`liaison.lib.once`)."""

from django.conf import settings
from django.db import models


class SpentFormToken(models.Model):
    """A form token used by the save it came with; the unique token lets only one of several simultaneous saves win."""

    token = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.CASCADE, related_name="+")
    result_pk = models.BigIntegerField(null=True, blank=True)
    spent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    # Not station data: never listed, only looked up by token.
    STATION_PATH = None

    class Meta:
        verbose_name = "使用済みフォームトークン"

    def __str__(self):
        return self.token
