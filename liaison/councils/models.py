"""Liaison councils (C3–C6): councils, their coverage and reviews, and memberships — one row per term."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.lib.versioning import Versioned


class Council(Versioned):
    """交番・駐在所連絡協議会 (所管区), 単位連絡協議会 (C4) or 職種等連絡協議会 (C5)."""

    STATION_PATH = "station"
    KOBAN_PATH = "kobans"

    class Kind(models.TextChoices):
        JURISDICTION = "jurisdiction", _("所管区ごとの連絡協議会")
        UNIT = "unit", _("単位連絡協議会")
        OCCUPATIONAL = "occupational", _("職種等連絡協議会")

    class OccupationalKind(models.TextChoices):
        HOUSING = "housing", _("アパート・マンション・旅館等の管理者")
        NIGHTLIFE = "nightlife", _("繁華街・歓楽街の商店経営者・雑居ビル管理者等")
        FOREIGN = "foreign", _("外国人居住者・外国人の雇用主等")
        WOMEN = "women", _("主婦・女性有識者等")
        OTHER = "other", _("その他所管区の実情に即したもの")

    class Coverage(models.TextChoices):
        WHOLE = "whole", _("一つの所管区の全域")
        PART = "part", _("一つの所管区の一部（分割）")
        SEVERAL = "several", _("複数の所管区（統合）")

    class Status(models.TextChoices):
        ACTIVE = "active", _("活動中")
        CLOSED = "closed", _("廃止・再編済み")

    station = models.ForeignKey(
        "org.Station", verbose_name=_("警察署"), on_delete=models.PROTECT, related_name="councils"
    )
    name = models.CharField(_("名称"), max_length=80, help_text=_("例: 一番町交番連絡協議会、○○地区○○連絡協議会"))
    kind = models.CharField(_("協議会種別"), max_length=15, choices=Kind.choices, default=Kind.JURISDICTION)
    occupational_kind = models.CharField(_("職種等の区分"), max_length=15, choices=OccupationalKind.choices, blank=True)
    coverage = models.CharField(_("対象区域"), max_length=10, choices=Coverage.choices, default=Coverage.WHOLE)
    area_description = models.CharField(_("区域の説明"), max_length=200, blank=True)
    kobans = models.ManyToManyField("org.Koban", verbose_name=_("交番・駐在所"), related_name="councils")
    reason = models.TextField(_("設置理由"), blank=True)
    established_on = models.DateField(_("設置日"))
    bylaws = models.FileField(_("規約・会則"), upload_to="bylaws/%Y/", blank=True)
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    closed_on = models.DateField(_("廃止日"), null=True, blank=True)
    operation_manager = models.ForeignKey(
        "org.Officer",
        verbose_name=_("運営責任者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="managed_councils",
    )
    operation_manager_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    operation_manager_confirmed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["station__order", "station__code", "name"]
        # The home page counts the active councils, of a station or of the prefecture, from the index alone.
        indexes = [models.Index(fields=["station", "status"], name="council_station_status")]
        verbose_name = _("連絡協議会")
        verbose_name_plural = _("連絡協議会")

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def kind_label(self) -> str:
        if self.kind == self.Kind.OCCUPATIONAL and self.occupational_kind:
            return f"{self.get_kind_display()}（{self.get_occupational_kind_display()}）"
        return self.get_kind_display()


class Membership(models.Model):
    """One term of one member (委員) of one council. A reappointment is a new row linked to the previous one.

    No version column: no screen edits a membership's values. Each change is an action that locks the row (or its
    council) and checks its state first — ending refuses an ended membership, a reappointment or successor refuses a
    term that already has one — so a second, concurrent attempt is refused rather than overwriting the first.
    """

    STATION_PATH = "council__station"
    KOBAN_PATH = "council__kobans"

    class Kind(models.TextChoices):
        NEW = "new", _("新任")
        REAPPOINTMENT = "reappointment", _("再任")
        SUCCESSOR = "successor", _("後任")
        RECOMMISSION = "recommission", _("再委嘱（警察署の再編整備）")

    class Post(models.TextChoices):
        CHAIR = "chair", _("会長")
        VICE_CHAIR = "vice_chair", _("副会長")
        OTHER = "other", _("その他の役職")
        MEMBER = "member", _("委員")

    class LeaderCategory(models.TextChoices):
        NEIGHBOURHOOD = "a", _("（ア）自治会・町内会等の役員")
        PUBLIC_AGENCY = "i", _("（イ）自治体・公的機関の職員")
        SAFETY_ASSOCIATION = "u", _("（ウ）防犯協会・交通安全協会等の関係者")
        VOLUNTEER = "e", _("（エ）ボランティア団体等の関係者")

    class EndReason(models.TextChoices):
        EXPIRED = "expired", _("任期満了")
        RESIGNED = "resigned", _("辞任")
        PUBLIC_OFFICE = "public_office", _("公職")
        DEATH = "death", _("死亡")
        REORGANISED = "reorganised", _("再委嘱・再編")
        OTHER = "other", _("その他")

    council = models.ForeignKey(
        Council, verbose_name=_("連絡協議会"), on_delete=models.PROTECT, related_name="memberships"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("委員"), on_delete=models.PROTECT, related_name="council_memberships"
    )
    station = models.ForeignKey(
        "org.Station",
        verbose_name=_("委嘱した警察署"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("委嘱状を交付した警察署長の署"),
    )
    kind = models.CharField(_("委嘱の区分"), max_length=15, choices=Kind.choices, default=Kind.NEW)
    start_date = models.DateField(_("任期の始期"))
    end_date = models.DateField(_("任期の終期"))
    post = models.CharField(_("役職"), max_length=12, choices=Post.choices, default=Post.MEMBER)
    post_title = models.CharField(_("役職名（その他）"), max_length=30, blank=True)
    leader_category = models.CharField(
        _("コミュニティ・リーダーの区分"), max_length=1, choices=LeaderCategory.choices, blank=True
    )
    previous = models.ForeignKey(
        "self",
        verbose_name=_("前の任期・前任者"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="following",
    )
    term_changed_with_consent = models.BooleanField(_("本人の承諾を得て任期を変更"), default=False)
    consent_date = models.DateField(_("承諾日"), null=True, blank=True)
    consent_note = models.CharField(_("承諾の記録"), max_length=200, blank=True)
    letter_number = models.CharField(_("委嘱状の番号"), max_length=30, blank=True)
    letter_date = models.DateField(_("委嘱状の日付"), null=True, blank=True)
    ended_on = models.DateField(_("終了日"), null=True, blank=True)
    end_reason = models.CharField(_("終了の理由"), max_length=15, choices=EndReason.choices, blank=True)
    end_note = models.CharField(_("終了の備考"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["start_date", "pk"]
        verbose_name = _("委嘱")
        indexes = [
            models.Index(fields=["council", "end_date"], name="membership_council_end"),
            models.Index(fields=["end_date"], name="membership_end"),
        ]
        # What the database can hold of the actions' rules, on SQLite and PostgreSQL alike. "Not overlapping in
        # time" is not a portable constraint (it needs a PostgreSQL exclusion over date ranges), so the actions keep
        # the full rule under a lock on the council; here the database refuses the overlaps it can see: two open
        # terms (not ended early) of the same person, or two open chairs, sharing a first or a last day always overlap.
        # The lower bound of ended_on (not before the day before the term starts) needs date arithmetic, which SQLite
        # cannot do in a constraint, so it stays in membership_end.
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="membership_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__lte=models.F("end_date")),
                name="membership_ended_within_term",
            ),
            models.UniqueConstraint(
                fields=["council", "person", "start_date"],
                condition=models.Q(ended_on__isnull=True),
                name="membership_one_open_term_per_person_start",
            ),
            models.UniqueConstraint(
                fields=["council", "person", "end_date"],
                condition=models.Q(ended_on__isnull=True),
                name="membership_one_open_term_per_person_end",
            ),
            models.UniqueConstraint(
                fields=["council", "start_date"],
                condition=models.Q(post="chair", ended_on__isnull=True),
                name="membership_one_open_chair_start",
            ),
            models.UniqueConstraint(
                fields=["council", "end_date"],
                condition=models.Q(post="chair", ended_on__isnull=True),
                name="membership_one_open_chair_end",
            ),
        ]

    def __str__(self):
        return f"{self.person} / {self.council}"

    @property
    def last_day(self) -> datetime.date:
        """The last day the member actually serves: the end date, or earlier if the membership was ended."""
        return self.ended_on if self.ended_on and self.ended_on < self.end_date else self.end_date

    def is_current(self, day: datetime.date) -> bool:
        return self.start_date <= day <= self.last_day

    @property
    def post_label(self) -> str:
        if self.post == self.Post.OTHER and self.post_title:
            return self.post_title
        return "" if self.post == self.Post.MEMBER else self.get_post_display()


class CouncilReview(models.Model):
    """連絡協議会の見直し (C4.3): split, merge or dissolve, after explaining it to the members."""

    STATION_PATH = "station"

    class Kind(models.TextChoices):
        SPLIT = "split", _("分割")
        MERGE = "merge", _("統合")
        DISSOLVE = "dissolve", _("廃止")

    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("見直しの種別"), max_length=10, choices=Kind.choices)
    explained_on = models.DateField(_("委員への説明日"))
    effective_date = models.DateField(_("実施日"))
    predecessors = models.ManyToManyField(Council, related_name="reviews_out", verbose_name=_("見直し前の協議会"))
    successors = models.ManyToManyField(
        Council, related_name="reviews_in", blank=True, verbose_name=_("見直し後の協議会")
    )
    note = models.TextField(_("趣旨・備考"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-effective_date", "-pk"]
        verbose_name = _("連絡協議会の見直し")

    def __str__(self):
        return f"{self.get_kind_display()}（{self.effective_date}）"


class Notice(models.Model):
    """A message to an officer's home page, e.g. telling the operation manager that a member was dismissed."""

    STATION_PATH = "recipient__station"

    recipient = models.ForeignKey("org.Officer", on_delete=models.PROTECT, related_name="notices")
    text = models.CharField(max_length=300)
    council = models.ForeignKey(Council, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.text
