"""Opinions and requests from residents (C8.2, and N3.1 for the community safety network): the shared case model.

A case is what a resident asked of the police, wherever it was raised: at a council meeting, during an information
exchange with a contact person, at a 地域安全の会. Where it was raised is recorded by the app that owns that place, in
its own link rows (``liaison.meetings`` links cases to meetings), so this app knows neither councils nor the network.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.lib.versioning import Versioned


class Case(Versioned):
    """One opinion or request, its answer, the section in charge and what was done about it (措置状況)."""

    STATION_PATH = "station"
    KOBAN_PATH = "koban"

    class Category(models.TextChoices):
        CRIME = "crime", _("防犯")
        TRAFFIC = "traffic", _("交通")
        ENVIRONMENT = "environment", _("街路灯・環境")
        CHILDREN = "children", _("子ども")
        ELDERLY = "elderly", _("高齢者")
        DISASTER = "disaster", _("防災")
        OTHER = "other", _("その他")

    class RaisedBy(models.TextChoices):
        MEMBER = "member", _("委員")
        GUEST = "guest", _("委員以外の参加者")
        RESIDENT = "resident", _("住民")
        CONTACT_PERSON = "contact_person", _("地域安全連絡員")

    class Status(models.TextChoices):
        RECEIVED = "received", _("受付")
        CONSIDERING = "considering", _("検討中")
        DONE = "done", _("措置済")
        DIFFICULT = "difficult", _("措置困難")
        LONG_TERM = "long_term", _("長期対応")

    # Statuses in which the police have finished acting: the attendees must then be told the outcome (C8.2).
    SETTLED = (Status.DONE, Status.DIFFICULT)

    station = models.ForeignKey("org.Station", verbose_name=_("警察署"), on_delete=models.PROTECT, related_name="cases")
    koban = models.ForeignKey(
        "org.Koban",
        verbose_name=_("交番・駐在所"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    received_on = models.DateField(_("受付日"))
    category = models.CharField(_("分類"), max_length=12, choices=Category.choices)
    content = models.TextField(_("意見・要望の内容"))
    raised_by_kind = models.CharField(_("申出者の区分"), max_length=15, choices=RaisedBy.choices)
    raised_by_person = models.ForeignKey(
        "people.Person",
        verbose_name=_("申出者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        help_text=_("記録されている住民等のとき"),
    )
    raised_by_name = models.CharField(
        _("申出者名"), max_length=60, blank=True, help_text=_("住民等として記録していない参加者・住民のとき（任意）")
    )
    answer = models.TextField(_("回答"), blank=True, help_text=_("その場で回答した内容"))
    section = models.ForeignKey(
        "org.Section",
        verbose_name=_("担当課"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    status = models.CharField(_("措置状況"), max_length=12, choices=Status.choices, default=Status.RECEIVED)
    settled_on = models.DateField(_("措置日"), null=True, blank=True)
    told_on = models.DateField(
        _("措置状況の連絡日"), null=True, blank=True, help_text=_("申出者・参加者に結果を伝えた日")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("意見・要望")
        verbose_name_plural = _("意見・要望")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["station", "status", "received_on"], name="case_station_status"),
            models.Index(fields=["station", "-received_on", "-id"], name="case_station_recent"),
            # The oldest open cases (rules.OPEN) of the prefecture and of a station, read in order from the index by
            # the home page's "open too long" list (panels.oldest_open_long) without ordering every open case.
            models.Index(
                fields=["received_on", "id"],
                condition=models.Q(status__in=["received", "considering"]),
                name="case_open_received",
            ),
            models.Index(
                fields=["station", "received_on", "id"],
                condition=models.Q(status__in=["received", "considering"]),
                name="case_station_open_received",
            ),
            # The same for the settled cases whose raiser was not told (rules.case_findings "not_told"), read in order
            # by the home page's list (panels.oldest_not_told). A case has a settled_on exactly while it is settled
            # (actions.case_progress); the condition names no status because SQLite uses a partial index only when
            # the query holds the condition's constants, and Django binds them as parameters (``settled_on < ?``
            # implies ``settled_on IS NOT NULL`` on both databases).
            models.Index(
                fields=["received_on", "id"],
                condition=models.Q(settled_on__isnull=False, told_on__isnull=True),
                name="case_not_told_received",
            ),
            models.Index(
                fields=["station", "received_on", "id"],
                condition=models.Q(settled_on__isnull=False, told_on__isnull=True),
                name="case_station_not_told_received",
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()}：{self.content[:30]}"


class CaseUpdate(models.Model):
    """One dated step of a case's action status: the history kept for the station and for HQ."""

    STATION_PATH = "case__station"
    KOBAN_PATH = "case__koban"

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="updates")
    on = models.DateField(_("日付"))
    status = models.CharField(_("措置状況"), max_length=12, choices=Case.Status.choices)
    note = models.TextField(_("内容"), blank=True)
    officer = models.ForeignKey(
        "org.Officer", verbose_name=_("担当者"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("措置状況の経過")
        ordering = ["on", "pk"]

    def __str__(self):
        return f"{self.on} {self.get_status_display()}"
