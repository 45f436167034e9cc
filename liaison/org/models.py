"""The police organisation (X1): prefecture settings, HQ divisions, stations, sections, kobans, officers."""

from contextvars import ContextVar

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.access.roles import Role
from liaison.lib.fields import SortKeyField
from liaison.lib.kana import family_given_key
from liaison.lib.versioning import Versioned

# The settings read in the current request (a dict while a request runs, None outside one).
_settings_of_request: ContextVar[dict | None] = ContextVar("prefecture_settings_of_request", default=None)


class PrefectureSettings(Versioned):
    """One row: what a prefecture configures without code changes (X4)."""

    STATION_PATH = None

    name = models.CharField(_("県名"), max_length=20, default="宮城県")
    hq_name = models.CharField(_("本部名"), max_length=40, default="宮城県警察本部")
    hq_chief_title = models.CharField(_("本部長の職名"), max_length=40, default="宮城県警察本部長")
    station_chief_title = models.CharField(_("署長の職名"), max_length=20, default="警察署長")
    hq_community_division = models.CharField(_("報告経由の所属"), max_length=40, default="地域部地域課")
    hq_doc_prefix = models.CharField(_("本部の文書番号の冠"), max_length=20, default="宮本地第")
    station_doc_prefix = models.CharField(_("署の文書番号の冠"), max_length=20, default="宮地第")
    term_years = models.PositiveSmallIntegerField(_("委員の任期（年）"), default=2)
    council_size_min = models.PositiveSmallIntegerField(_("委員数の下限（警告）"), default=8)
    council_size_max = models.PositiveSmallIntegerField(_("委員数の上限（警告）"), default=12)
    leader_share_min = models.PositiveSmallIntegerField(_("コミュニティ・リーダーの割合の下限（%）"), default=40)
    leader_share_max = models.PositiveSmallIntegerField(_("コミュニティ・リーダーの割合の上限（%）"), default=60)
    long_tenure_years = models.PositiveSmallIntegerField(_("長期在任の警告（連続年数）"), default=6)
    term_ending_days = models.PositiveSmallIntegerField(_("任期満了の予告（日前）"), default=90)
    # The meetings' and cases' deadlines (C7.2, C8.2, C11.2): findings appear when they pass.
    regular_meeting_due_month = models.PositiveSmallIntegerField(
        _("定期会議の未開催を知らせる月"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("この月の初日になっても年度内の定期会議がない協議会を知らせます（4月始まりの年度）"),
    )
    meeting_report_days = models.PositiveSmallIntegerField(_("開催結果報告の提出期限（開催後の日数）"), default=14)
    report_decision_days = models.PositiveSmallIntegerField(_("報告の決裁待ちを知らせる日数"), default=7)
    case_tell_days = models.PositiveSmallIntegerField(_("措置状況の連絡期限（措置後の日数）"), default=30)
    case_open_days = models.PositiveSmallIntegerField(_("未措置の意見・要望を知らせる日数（受付後）"), default=90)
    contact_stale_days = models.PositiveSmallIntegerField(_("情報交換のない地域安全連絡員を知らせる日数"), default=90)
    # APPI: personal data kept no longer than needed (manage.py apply_retention anonymises those past this).
    retention_years = models.PositiveSmallIntegerField(
        _("個人情報の保存期間（役割の終了後の年数）"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("委嘱・連絡員・意見要望の最後の役割が終わってからこの年数を過ぎた住民等を匿名化します"),
    )

    class Meta:
        verbose_name = _("県の設定")
        verbose_name_plural = _("県の設定")

    def __str__(self):
        return str(self.name)

    @classmethod
    def current(cls) -> "PrefectureSettings":
        """The prefecture's settings, created with defaults on first use.

        Inside a request (``liaison.org.middleware.PrefectureSettingsOncePerRequest``) they are read once and the same
        object is returned to every caller: the home page's panels each read them. An action that changes them
        changes that object, so later readers in the request see the change.
        """
        cache = _settings_of_request.get()
        if cache is not None and "settings" in cache:
            return cache["settings"]
        obj, _created = cls.objects.get_or_create(pk=1)
        if cache is not None:
            cache["settings"] = obj
        return obj


class HQDivision(Versioned):
    """本部各所属: a division of the prefectural HQ."""

    STATION_PATH = None

    name = models.CharField(_("所属名"), max_length=40, unique=True)
    is_community = models.BooleanField(_("本部地域課"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("本部所属")

    def __str__(self):
        return self.name


class Station(Versioned):
    """警察署."""

    STATION_PATH = ""

    name = models.CharField(_("警察署名"), max_length=40, unique=True)
    code = models.CharField(_("署コード"), max_length=10, unique=True)
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    active = models.BooleanField(_("現存"), default=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("統合先"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged_from"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("警察署")
        # Lists ordered by station (HQ's council list) read the stations in this order and each station's rows from
        # its own index, stopping at the page, instead of sorting every row of the prefecture (PostgreSQL).
        indexes = [models.Index(fields=["order", "code"], name="station_order")]

    def __str__(self):
        return self.name


class Section(Versioned):
    """課 of a station (地域課, 生活安全課 …)."""

    STATION_PATH = "station"

    station = models.ForeignKey(Station, verbose_name=_("警察署"), on_delete=models.PROTECT, related_name="sections")
    name = models.CharField(_("課名"), max_length=40)
    is_community = models.BooleanField(_("地域課"), default=False)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["station", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["station", "name"], name="section_unique_name_per_station")]
        verbose_name = _("課")

    def __str__(self):
        return f"{self.station.name} {self.name}"


class Koban(Versioned):
    """交番 or 駐在所 with its jurisdiction (所管区)."""

    STATION_PATH = "station"
    KOBAN_PATH = ""

    class Kind(models.TextChoices):
        KOBAN = "koban", _("交番")
        CHUZAISHO = "chuzaisho", _("駐在所")

    station = models.ForeignKey(Station, verbose_name=_("警察署"), on_delete=models.PROTECT, related_name="kobans")
    name = models.CharField(_("名称"), max_length=40)
    kind = models.CharField(_("種別"), max_length=10, choices=Kind.choices, default=Kind.KOBAN)
    jurisdiction_name = models.CharField(_("所管区"), max_length=60)
    municipality = models.CharField(_("市区町村"), max_length=40)
    area = models.CharField(_("地区"), max_length=100, blank=True)
    active = models.BooleanField(_("現存"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["station__order", "station__code", "order", "name"]
        constraints = [models.UniqueConstraint(fields=["station", "name"], name="koban_unique_name_per_station")]
        # The home page counts the kobans in service, of a station or of the prefecture, from the index alone.
        indexes = [models.Index(fields=["station", "active"], name="koban_station_active")]
        verbose_name = _("交番・駐在所")

    def __str__(self):
        return self.name


class Rank(models.TextChoices):
    """階級 from the Police Act, lowest first."""

    JUNSA = "junsa", _("巡査")
    JUNSA_BUCHO = "junsa_bucho", _("巡査部長")
    KEIBUHO = "keibuho", _("警部補")
    KEIBU = "keibu", _("警部")
    KEISHI = "keishi", _("警視")
    KEISHISEI = "keishisei", _("警視正")
    KEISHICHO = "keishicho", _("警視長")
    KEISHIKAN = "keishikan", _("警視監")


class Officer(Versioned):
    """警察職員 with a login account and one role."""

    STATION_PATH = "station"
    KOBAN_PATH = "koban"

    Role = Role

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="officer")
    family_name = models.CharField(_("姓"), max_length=30)
    given_name = models.CharField(_("名"), max_length=30)
    family_kana = models.CharField(_("セイ"), max_length=60)
    given_kana = models.CharField(_("メイ"), max_length=60)
    sort_key = SortKeyField(max_length=130, editable=False, db_index=True)
    rank = models.CharField(_("階級"), max_length=12, choices=Rank.choices)
    title = models.CharField(_("職名"), max_length=40, blank=True)
    role = models.CharField(_("役割"), max_length=20, choices=Role.choices)
    hq_division = models.ForeignKey(
        HQDivision, verbose_name=_("本部所属"), null=True, blank=True, on_delete=models.PROTECT, related_name="officers"
    )
    station = models.ForeignKey(
        Station, verbose_name=_("警察署"), null=True, blank=True, on_delete=models.PROTECT, related_name="officers"
    )
    section = models.ForeignKey(
        Section, verbose_name=_("課"), null=True, blank=True, on_delete=models.PROTECT, related_name="officers"
    )
    koban = models.ForeignKey(
        Koban, verbose_name=_("交番・駐在所"), null=True, blank=True, on_delete=models.PROTECT, related_name="officers"
    )
    active = models.BooleanField(_("在職"), default=True)
    # Set when an administrator sets or generates the password (the administrator knows it); until the officer
    # chooses their own, they may open only the password change page (access.middleware.PasswordChangeRequired).
    must_change_password = models.BooleanField(_("パスワード変更が必要"), default=False, editable=False)

    class Meta:
        ordering = ["sort_key", "pk"]
        # The home page counts the officers in service, of a station or of the prefecture, from the index alone.
        indexes = [models.Index(fields=["station", "active"], name="officer_station_active")]
        verbose_name = _("警察職員")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role__in=["hq_admin", "hq_staff"]) | models.Q(station__isnull=False),
                name="officer_station_staff_have_station",
            ),
            models.CheckConstraint(
                condition=~models.Q(role__in=["koban_chief", "koban_staff"]) | models.Q(koban__isnull=False),
                name="officer_koban_staff_have_koban",
            ),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.sort_key = family_given_key(self.family_kana, self.given_kana)
        super().save(*args, **kwargs)

    @property
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}"

    @property
    def is_hq(self) -> bool:
        return self.role in (self.Role.HQ_ADMIN, self.Role.HQ_STAFF)

    @property
    def affiliation(self) -> str:
        if self.is_hq:
            return self.hq_division.name if self.hq_division else ""
        parts = [self.station.name if self.station else ""]
        if self.koban:
            parts.append(self.koban.name)
        elif self.section:
            parts.append(self.section.name)
        return " ".join(p for p in parts if p)


class Reorganisation(models.Model):
    """A station reorganisation (C6.2(2)): kobans move to another station, or a whole station merges into another."""

    STATION_PATH = "to_station"

    class Kind(models.TextChoices):
        MOVE_KOBANS = "move", _("交番等の移管")
        MERGE = "merge", _("警察署の統合")

    kind = models.CharField(_("種別"), max_length=10, choices=Kind.choices)
    effective_date = models.DateField(_("実施日"))
    from_station = models.ForeignKey(
        Station, verbose_name=_("移管元の警察署"), on_delete=models.PROTECT, related_name="reorganisations_out"
    )
    to_station = models.ForeignKey(
        Station, verbose_name=_("移管先の警察署"), on_delete=models.PROTECT, related_name="reorganisations_in"
    )
    note = models.TextField(_("備考"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_date", "-pk"]
        verbose_name = _("警察署の再編整備")

    def __str__(self):
        return f"{self.get_kind_display()} {self.from_station} → {self.to_station}"


class KobanTransfer(models.Model):
    """One koban moved by a reorganisation: the history of which station it belonged to."""

    STATION_PATH = "to_station"

    reorganisation = models.ForeignKey(Reorganisation, on_delete=models.PROTECT, related_name="transfers")
    koban = models.ForeignKey(Koban, on_delete=models.PROTECT, related_name="transfers")
    from_station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="+")
    to_station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.koban} {self.from_station} → {self.to_station}"
