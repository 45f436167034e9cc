"""Imports of rosters from Excel and CSV files: one row per uploaded file, from upload through preview to commit."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    """One uploaded file being imported into a station.

    The file's bytes are kept in the row (never in the media folder, which a web server may serve) only until the
    import is committed or discarded. ``rows`` is what the last check found, row by row, so the preview page is
    drawn from this row alone (its cost does not grow with the file).
    """

    STATION_PATH = "station"

    class Kind(models.TextChoices):
        PEOPLE = "people", _("住民等")
        MEMBERS = "members", _("連絡協議会の委員")
        CONTACTS = "contacts", _("地域安全連絡員")

    class Status(models.TextChoices):
        QUEUED = "queued", _("確認待ち")
        CHECKING = "checking", _("確認中")
        CHECKED = "checked", _("確認済み")
        COMMITTING = "committing", _("書き込み中")
        DONE = "done", _("取り込み済み")
        FAILED = "failed", _("失敗")
        DISCARDED = "discarded", _("取りやめ")

    station = models.ForeignKey("org.Station", verbose_name=_("警察署"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("取り込む内容"), max_length=10, choices=Kind.choices)
    file_name = models.CharField(_("ファイル名"), max_length=255)
    data = models.BinaryField(_("ファイルの内容"), null=True, editable=False)
    encoding = models.CharField(_("文字コード"), max_length=20, blank=True)
    headers = models.JSONField(_("見出し"), default=list)
    # file column index (as a string, JSON keys are strings) → the kind's column key
    mapping = models.JSONField(_("見出しの対応"), default=dict)
    # file row number (as a string) → "new" or the id of the recorded person to link
    choices = models.JSONField(_("似ている記録の扱い"), default=dict)
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    total_rows = models.PositiveIntegerField(_("行数"), default=0)
    checked_rows = models.PositiveIntegerField(_("確認した行数"), default=0)
    rows = models.JSONField(_("行ごとの確認結果"), default=list)
    error_count = models.PositiveIntegerField(_("エラーの数"), default=0)
    counts = models.JSONField(_("件数"), default=dict)
    result_ids = models.JSONField(_("作成した記録"), default=list)  # members: the memberships appointed
    failure = models.TextField(_("失敗の理由"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("取り込んだ人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("受付日時"), auto_now_add=True)
    checked_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    committed_at = models.DateTimeField(_("取り込み日時"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ファイルの取り込み")
        indexes = [models.Index(fields=["station", "-created_at"], name="import_station_created")]

    def __str__(self):
        return f"{self.file_name}（{self.get_kind_display()}）"

    @classmethod
    def koban_scope(cls, koban_id: int) -> models.Q:
        """A koban's officers work on the imports made by officers of their koban (see access.policy)."""
        return models.Q(created_by__officer__koban_id=koban_id)

    @property
    def is_busy(self) -> bool:
        """True while a background check or commit is under way (the page polls)."""
        return self.status in (self.Status.QUEUED, self.Status.CHECKING, self.Status.COMMITTING)

    @property
    def may_commit(self) -> bool:
        return self.status == self.Status.CHECKED and self.error_count == 0 and self.total_rows > 0
