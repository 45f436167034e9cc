"""Council meetings (C7–C10) and what follows them: attendance, guests and police attendees, election periods,
materials, the opinions raised (linked to the shared cases), problem-solving activities with interim reports, and
the information members hand over and the contacts the operation staff keep with them (C9).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.lib.versioning import Versioned


class Meeting(Versioned):
    """One meeting of a council: regular (定期会議, numbered 第N回 within the fiscal year) or ad hoc (臨時会議)."""

    STATION_PATH = "council__station"
    KOBAN_PATH = "council__kobans"

    class Kind(models.TextChoices):
        REGULAR = "regular", _("定期会議")
        AD_HOC = "ad_hoc", _("臨時会議")

    class Status(models.TextChoices):
        PLANNED = "planned", _("予定")
        HELD = "held", _("開催済")
        CANCELLED = "cancelled", _("中止")

    class VenueKind(models.TextChoices):
        KOBAN = "koban", _("交番・駐在所")
        COMMUNITY_HALL = "community_hall", _("公民館")
        MEETING_HALL = "meeting_hall", _("集会所")
        OTHER = "other", _("その他")

    class Theme(models.TextChoices):  # C8.1
        KOBAN_ACTIVITY = "koban_activity", _("交番・駐在所の活動")
        SITUATION = "situation", _("犯罪・事故の発生状況")
        LOCAL_PROBLEMS = "local_problems", _("地域の問題")
        LOCAL_EVENTS = "local_events", _("地域の行事")
        PROBLEM_SOLVING = "problem_solving", _("問題解決活動の経過")

    class Measure(models.TextChoices):  # C7.3: what an ad hoc meeting agreed
        INFORMATION = "information", _("正確な情報の提供")
        EMERGENCY_CONTACT = "emergency_contact", _("緊急時の連絡方法")
        COOPERATION = "cooperation", _("協力の要請")
        JOINT_COUNTERMEASURES = "joint_countermeasures", _("共同の対策")

    council = models.ForeignKey(
        "councils.Council", verbose_name=_("協議会"), on_delete=models.PROTECT, related_name="meetings"
    )
    kind = models.CharField(_("会議種別"), max_length=10, choices=Kind.choices)
    fiscal_year = models.PositiveSmallIntegerField(_("年度"), help_text=_("4月始まりの年度（西暦）"))
    number = models.PositiveSmallIntegerField(_("回"), null=True, blank=True, help_text=_("定期会議の年度内の回数"))
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    starts_at = models.DateTimeField(_("開始日時"))
    ends_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    venue_kind = models.CharField(_("開催場所の種別"), max_length=15, choices=VenueKind.choices)
    venue_name = models.CharField(_("開催場所"), max_length=80)
    themes = models.JSONField(_("テーマ"), default=list, blank=True)  # Theme values
    theme_note = models.TextField(_("テーマ（その他）"), blank=True)
    trigger = models.TextField(_("開催の契機"), blank=True, help_text=_("臨時会議のとき（例: 空き巣の連続発生）"))
    measures = models.JSONField(_("合意した対策"), default=list, blank=True)  # Measure values
    measures_note = models.TextField(_("対策の内容"), blank=True)
    minutes = models.TextField(_("議事の概要"), blank=True)
    remarks = models.TextField(_("備考"), blank=True)
    election_period = models.ForeignKey(
        "ElectionPeriod",
        verbose_name=_("重なる選挙期間"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    election_override_reason = models.TextField(_("選挙期間中に開催する理由"), blank=True)
    materials = models.ManyToManyField("Material", verbose_name=_("資料"), blank=True, related_name="meetings")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("会議")
        verbose_name_plural = _("会議")
        ordering = ["-starts_at", "-pk"]
        indexes = [
            models.Index(fields=["council", "fiscal_year", "kind"], name="meeting_council_year"),
            models.Index(fields=["starts_at", "id"], name="meeting_starts"),
            # A station's or the prefecture's meetings of a year by status, from the index alone (the HQ table).
            models.Index(fields=["council", "starts_at", "status"], name="meeting_council_starts"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "fiscal_year", "number"],
                condition=models.Q(kind="regular", status__in=["planned", "held"]),
                name="meeting_regular_number_unique",
            )
        ]

    def __str__(self):
        if self.kind == self.Kind.REGULAR and self.number:
            return f"{self.council} 定期会議 第{self.number}回"
        return f"{self.council} {self.get_kind_display()}"


class Attendance(models.Model):
    """A council member (one term) who attended a meeting."""

    STATION_PATH = "meeting__council__station"
    KOBAN_PATH = "meeting__council__kobans"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendances")
    membership = models.ForeignKey("councils.Membership", on_delete=models.PROTECT, related_name="attendances")

    class Meta:
        verbose_name = _("出席委員")
        constraints = [models.UniqueConstraint(fields=["meeting", "membership"], name="attendance_unique")]

    def __str__(self):
        return f"{self.meeting} {self.membership}"


class Guest(models.Model):
    """Someone who is not a member and attended for the theme (C7.4): school, PTA, public agency, volunteer…"""

    STATION_PATH = "meeting__council__station"
    KOBAN_PATH = "meeting__council__kobans"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="guests")
    name = models.CharField(_("氏名"), max_length=60)
    affiliation = models.CharField(_("所属"), max_length=80, blank=True)
    reason = models.CharField(_("参加の理由"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("委員以外の参加者")
        ordering = ["pk"]

    def __str__(self):
        return self.name


class PoliceAttendee(models.Model):
    """An officer who attended (C10.2). The executive class is decided by a rule from rank, section and post when the
    attendance is recorded and kept, so Form 3 prints what was true on the day."""

    STATION_PATH = "meeting__council__station"
    KOBAN_PATH = "meeting__council__kobans"

    class ExecutiveClass(models.TextChoices):
        COMMUNITY = "community", _("地域幹部")
        OTHER_EXECUTIVE = "other_executive", _("その他の幹部")
        OTHER = "other", _("その他")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="police_attendees")
    officer = models.ForeignKey("org.Officer", on_delete=models.PROTECT, related_name="meeting_attendances")
    executive_class = models.CharField(_("幹部の区分"), max_length=16, choices=ExecutiveClass.choices)
    post = models.CharField(_("所属・職名"), max_length=80, blank=True, help_text=_("出席した日の所属・職名"))

    class Meta:
        verbose_name = _("参加警察官")
        constraints = [models.UniqueConstraint(fields=["meeting", "officer"], name="police_attendee_unique")]

    def __str__(self):
        return str(self.officer)


class ElectionPeriod(models.Model):
    """A period in which meetings are avoided (C10.3): the whole prefecture or some municipalities."""

    STATION_PATH = "station"  # null: recorded by HQ, seen by every station

    name = models.CharField(_("選挙の名称"), max_length=80)
    whole_prefecture = models.BooleanField(_("県内全域"), default=False)
    municipalities = models.JSONField(_("対象の市区町村"), default=list, blank=True)
    starts_on = models.DateField(_("開始日"))
    ends_on = models.DateField(_("終了日"))
    station = models.ForeignKey(
        "org.Station",
        verbose_name=_("登録した警察署"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("選挙期間")
        verbose_name_plural = _("選挙期間")
        ordering = ["-starts_on", "pk"]
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="election_period_dates")]

    def __str__(self):
        return self.name


class Material(models.Model):
    """A document used at meetings (C10.5): uploaded once, picked again for later meetings of the station."""

    STATION_PATH = "station"

    station = models.ForeignKey("org.Station", verbose_name=_("警察署"), on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("資料名"), max_length=120)
    file = models.FileField(_("ファイル"), upload_to="materials/%Y/")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("資料")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.title


class MeetingCase(models.Model):
    """An opinion or request (a case of ``liaison.cases``) raised at a meeting: the link lives here, with the
    meetings, so the cases app knows nothing of councils."""

    STATION_PATH = "meeting__council__station"
    KOBAN_PATH = "meeting__council__kobans"

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="case_links")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="meeting_link")
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("会議で出た意見・要望")
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.meeting} {self.case}"


class Activity(Versioned):
    """A problem-solving activity (問題解決活動, C8.2): a long-running problem raised by a council, worked on with
    interim reports to the council until it is closed."""

    STATION_PATH = "council__station"
    KOBAN_PATH = "council__kobans"

    class Status(models.TextChoices):
        OPEN = "open", _("実施中")
        CLOSED = "closed", _("終了")

    council = models.ForeignKey(
        "councils.Council", verbose_name=_("協議会"), on_delete=models.PROTECT, related_name="activities"
    )
    title = models.CharField(_("件名"), max_length=120)
    plan = models.TextField(_("計画"), blank=True)
    started_on = models.DateField(_("開始日"))
    status = models.CharField(_("状態"), max_length=10, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(_("終了日"), null=True, blank=True)
    outcome = models.TextField(_("結果"), blank=True)
    cases = models.ManyToManyField("cases.Case", verbose_name=_("関連する意見・要望"), blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("問題解決活動")
        verbose_name_plural = _("問題解決活動")
        ordering = ["-started_on", "-pk"]

    def __str__(self):
        return self.title


class InterimReport(models.Model):
    """An interim report (中間連絡) of an activity to its council, due by a date; reported at a meeting or otherwise."""

    STATION_PATH = "activity__council__station"
    KOBAN_PATH = "activity__council__kobans"

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="interim_reports")
    due_on = models.DateField(_("期限"))
    reported_on = models.DateField(_("連絡日"), null=True, blank=True)
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("連絡した会議"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("内容"), blank=True)

    class Meta:
        verbose_name = _("中間連絡")
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"{self.activity} {self.due_on}"


class MemberInformation(models.Model):
    """Information or materials a member handed over (C9.1), and when it was reported to the station chief."""

    STATION_PATH = "council__station"
    KOBAN_PATH = "council__kobans"

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="member_information")
    person = models.ForeignKey(
        "people.Person", verbose_name=_("委員"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("受理日"))
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("会議"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    content = models.TextField(_("内容"))
    file = models.FileField(_("資料"), upload_to="member_information/%Y/", blank=True)
    reported_on = models.DateField(_("署長への報告日"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("委員からの情報")
        ordering = ["-received_on", "-pk"]

    def __str__(self):
        return f"{self.received_on} {self.content[:30]}"


class MemberContact(models.Model):
    """A visit or call of the operation staff to a member (C9.2)."""

    STATION_PATH = "council__station"
    KOBAN_PATH = "council__kobans"

    class Kind(models.TextChoices):
        VISIT = "visit", _("訪問")
        PHONE = "phone", _("電話")
        OTHER = "other", _("その他")

    council = models.ForeignKey("councils.Council", on_delete=models.PROTECT, related_name="member_contacts")
    person = models.ForeignKey("people.Person", verbose_name=_("委員"), on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("日付"))
    kind = models.CharField(_("方法"), max_length=10, choices=Kind.choices)
    officer = models.ForeignKey("org.Officer", verbose_name=_("担当者"), on_delete=models.PROTECT, related_name="+")
    note = models.TextField(_("内容"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("委員への連絡・訪問")
        ordering = ["-on", "-pk"]

    def __str__(self):
        return f"{self.on} {self.get_kind_display()}"


class CalendarFeed(models.Model):
    """An officer's secret iCalendar address: only a hash of its token is kept, so a copy of the database does not
    hand out working addresses; renewing replaces the hash and the old address stops working."""

    STATION_PATH = "officer__station"
    KOBAN_PATH = "officer__koban"

    officer = models.OneToOneField("org.Officer", on_delete=models.CASCADE, related_name="calendar_feed")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("会議予定の配信アドレス")

    def __str__(self):
        return str(self.officer)
