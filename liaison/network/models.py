"""The community safety network (地域安全ネットワーク, N1–N4): contact persons, referrals, exchanges, safety
information and its distribution, 地域安全の会 and 巡回連絡強化日.

A contact person is a person of ``liaison.people`` (one record, whether or not they also sit on a council) in the
role of a station's 地域安全連絡員. Accepting the role and everything they do in it is their own decision (N4.2):
the consent state is recorded with its history, declining and withdrawing are normal states, and nothing here assigns
a duty to a civilian. Opinions and requests received are cases of ``liaison.cases``; the links live here.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.lib.versioning import Versioned


class ContactPerson(Versioned):
    """A person as 地域安全連絡員 (or candidate) of a station (N2, N4.2, N4.3)."""

    STATION_PATH = "station"
    KOBAN_PATH = "koban"

    class Source(models.TextChoices):
        """Where they come from (N2.1): the four kinds of people the circular asks."""

        ACQUAINTANCE = "acquaintance", _("地域の実情に詳しい者（警察官の知人等）")
        COOPERATOR = "cooperator", _("既存の警察協力者")
        GROUP = "group", _("団体")
        COMMUNITY_COUNCIL = "community_council", _("コミュニティ協議会")
        OTHER = "other", _("その他")

    class Consent(models.TextChoices):
        CANDIDATE = "candidate", _("候補")
        ASKED = "asked", _("依頼中")
        CONSENTED = "consented", _("承諾")
        DECLINED = "declined", _("辞退")
        WITHDRAWN = "withdrawn", _("辞任")

    class ConsentMethod(models.TextChoices):
        IN_PERSON = "in_person", _("面談で口頭")
        PHONE = "phone", _("電話で口頭")
        DOCUMENT = "document", _("書面")
        OTHER = "other", _("その他")

    class ContactWay(models.TextChoices):
        VISIT = "visit", _("訪問")
        PHONE = "phone", _("電話")
        EMAIL = "email", _("メール")
        MAIL = "mail", _("郵送")
        OTHER = "other", _("その他")

    # Declined and withdrawn people are never on a reminder or to-do list (N4.2); these are the states that may be.
    ACTIVE = (Consent.CANDIDATE, Consent.ASKED, Consent.CONSENTED)

    person = models.ForeignKey(
        "people.Person", verbose_name=_("氏名"), on_delete=models.PROTECT, related_name="contact_roles"
    )
    station = models.ForeignKey(
        "org.Station", verbose_name=_("警察署"), on_delete=models.PROTECT, related_name="contact_persons"
    )
    koban = models.ForeignKey(
        "org.Koban",
        verbose_name=_("交番・駐在所の受持区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_persons",
    )
    municipality = models.CharField(_("市区町村"), max_length=40, blank=True)
    district = models.CharField(_("地区"), max_length=100, blank=True)
    source = models.CharField(_("依頼の経緯"), max_length=20, choices=Source.choices)
    source_detail = models.CharField(
        _("団体名・経緯の詳細"), max_length=200, blank=True, help_text=_("例: ○○自治会、○○地区コミュニティ協議会")
    )
    officer = models.ForeignKey(
        "org.Officer",
        verbose_name=_("担当警察官"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_persons",
    )
    contact_way = models.CharField(
        _("希望する連絡方法"), max_length=10, choices=ContactWay.choices, default=ContactWay.VISIT
    )
    wants_email = models.BooleanField(_("メールでの情報提供を希望"), default=False)
    consent = models.CharField(_("承諾の状況"), max_length=10, choices=Consent.choices, default=Consent.CANDIDATE)
    consent_on = models.DateField(_("承諾日"), null=True, blank=True)
    consent_method = models.CharField(_("承諾の方法"), max_length=10, choices=ConsentMethod.choices, blank=True)
    # The date of the latest exchange with this person, kept by the exchange actions: the chief's view counts who
    # has not been contacted for N days (N4.4) with one indexed filter instead of a max() over every exchange.
    last_exchange_on = models.DateField(_("最後の情報交換日"), null=True, blank=True)
    notes = models.TextField(_("備考"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("地域安全連絡員")
        verbose_name_plural = _("地域安全連絡員")
        constraints = [
            # One person is a station's contact person once; being one again after withdrawing is a consent change.
            models.UniqueConstraint(fields=["person", "station"], name="contact_person_once_per_station"),
        ]
        indexes = [
            models.Index(fields=["station", "consent", "last_exchange_on"], name="contact_station_consent"),
            models.Index(fields=["koban", "consent"], name="contact_koban_consent"),
        ]

    def __str__(self):
        return f"{self.person}（{self.get_consent_display()}）"


class ContactRole(models.Model):
    """A concurrent role of a contact person (N2.2): any number, besides the contact-person role itself."""

    STATION_PATH = "contact__station"
    KOBAN_PATH = "contact__koban"

    class Kind(models.TextChoices):
        NEIGHBOURHOOD_HEAD = "neighbourhood_head", _("自治会長")
        GROUP_HEAD = "group_head", _("団体の長")
        SAFETY_PROMOTER = "safety_promoter", _("地域安全推進委員")
        JUVENILE_GUIDANCE = "juvenile_guidance", _("少年警察補導員")
        POLICE_VOLUNTEER = "police_volunteer", _("その他の警察ボランティア")
        OTHER = "other", _("その他")

    contact = models.ForeignKey(ContactPerson, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("兼任の役割"), max_length=20, choices=Kind.choices)
    detail = models.CharField(_("団体名・役職"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("兼任の役割")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.detail}".strip()


class ConsentChange(models.Model):
    """One dated step of a contact person's consent (N4.2): the history kept, never rewritten."""

    STATION_PATH = "contact__station"
    KOBAN_PATH = "contact__koban"

    contact = models.ForeignKey(ContactPerson, on_delete=models.CASCADE, related_name="consent_history")
    consent = models.CharField(_("承諾の状況"), max_length=10, choices=ContactPerson.Consent.choices)
    on = models.DateField(_("日付"))
    method = models.CharField(_("承諾の方法"), max_length=10, choices=ContactPerson.ConsentMethod.choices, blank=True)
    note = models.CharField(_("備考"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("承諾の状況の経過")
        ordering = ["on", "pk"]

    def __str__(self):
        return f"{self.on} {self.get_consent_display()}"


class Referral(Versioned):
    """A candidate found by an officer of any section, told to the station's 地域課 (N2.3, N3.1イ, N4.1)."""

    STATION_PATH = "station"

    class MetAt(models.TextChoices):
        CAMPAIGN = "campaign", _("キャンペーン")
        MEETING = "meeting", _("会議・会合")
        CASE = "case", _("事件・事故の取扱い")
        VISIT = "visit", _("巡回連絡・警ら")
        OTHER = "other", _("その他")

    class Status(models.TextChoices):
        PENDING = "pending", _("地域課の確認待ち")
        ACCEPTED = "accepted", _("候補として受理")
        DECLINED = "declined", _("見送り")

    station = models.ForeignKey("org.Station", verbose_name=_("警察署"), on_delete=models.PROTECT, related_name="+")
    referrer = models.ForeignKey(
        "org.Officer", verbose_name=_("連絡した職員"), on_delete=models.PROTECT, related_name="referrals"
    )
    # The referrer's section on the day: recruitment figures by section (N4.1) stay right after a transfer.
    section = models.ForeignKey(
        "org.Section", verbose_name=_("課"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    koban = models.ForeignKey(
        "org.Koban", verbose_name=_("交番・駐在所"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Either an existing person record or the particulars typed by the referrer.
    person = models.ForeignKey(
        "people.Person", verbose_name=_("人物"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    family_name = models.CharField(_("姓"), max_length=30, blank=True)
    given_name = models.CharField(_("名"), max_length=30, blank=True)
    family_kana = models.CharField(_("セイ"), max_length=60, blank=True)
    given_kana = models.CharField(_("メイ"), max_length=60, blank=True)
    phone = models.CharField(_("電話番号"), max_length=11, blank=True)
    address = models.CharField(_("住所"), max_length=200, blank=True)
    organisation = models.CharField(_("団体名・役職"), max_length=100, blank=True)
    reason = models.TextField(_("推薦の理由"))
    met_at = models.CharField(_("把握した機会"), max_length=10, choices=MetAt.choices)
    met_detail = models.CharField(_("機会の詳細"), max_length=200, blank=True)
    referred_on = models.DateField(_("連絡日"))
    status = models.CharField(_("状況"), max_length=10, choices=Status.choices, default=Status.PENDING)
    decline_reason = models.TextField(_("見送りの理由"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    contact = models.ForeignKey(
        ContactPerson, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("連絡員候補の連絡")
        verbose_name_plural = _("連絡員候補の連絡")
        ordering = ["-referred_on", "-pk"]
        indexes = [models.Index(fields=["station", "status", "referred_on"], name="referral_station_status")]

    def __str__(self):
        name = f"{self.family_name} {self.given_name}".strip() if self.person_id is None else str(self.person)
        return f"{name}（{self.get_status_display()}）"


class SafetyInfo(Versioned):
    """A community-safety information item (N3.1エ), published by an HQ division or a station to chosen stations or
    kobans; each station passes it on to its contact persons (N3.2)."""

    # The publishing station owns an item (HQ's items belong to no station); a station reads what it published and
    # what was published to it or to one of its kobans.
    STATION_PATH = "publisher_station"

    @classmethod
    def station_scope(cls, station_id: int) -> models.Q:
        return models.Q(publisher_station_id=station_id) | models.Q(
            pk__in=SafetyInfoTarget.objects.filter(station_id=station_id).values("item_id")
        )

    publisher_division = models.ForeignKey(
        "org.HQDivision",
        verbose_name=_("発信した本部所属"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    publisher_station = models.ForeignKey(
        "org.Station",
        verbose_name=_("発信した警察署"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("件名"), max_length=120)
    body = models.TextField(_("本文"))
    area = models.CharField(_("対象地域"), max_length=200, blank=True, help_text=_("例: ○○市全域、○○地区"))
    published_on = models.DateField(_("発信日"))
    valid_until = models.DateField(_("掲載期限"), null=True, blank=True)
    # A station passing an HQ item on to its kobans makes a new item that points to the one it came from.
    passed_on_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="passed_on"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("地域安全情報")
        verbose_name_plural = _("地域安全情報")
        ordering = ["-published_on", "-pk"]

    def __str__(self):
        return self.title


class SafetyInfoTarget(models.Model):
    """Who an item is published to: a whole station, or one koban of it."""

    STATION_PATH = "station"
    KOBAN_PATH = "koban"

    item = models.ForeignKey(SafetyInfo, on_delete=models.CASCADE, related_name="targets")
    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="+")
    koban = models.ForeignKey("org.Koban", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["item", "station", "koban"], name="safety_info_target_once")]
        indexes = [models.Index(fields=["station", "item"], name="safety_target_station")]

    def __str__(self):
        return f"{self.item_id} → {self.koban or self.station}"


class SafetyInfoAttachment(models.Model):
    item = models.ForeignKey(SafetyInfo, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("ファイル"), upload_to="safety_info/%Y/%m/")
    name = models.CharField(_("ファイル名"), max_length=200)  # as uploaded: the stored name may differ
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.name


class Distribution(models.Model):
    """A station handing one item to its contact persons who want it (N3.2): by e-mail, printed, or in person."""

    STATION_PATH = "station"

    class Method(models.TextChoices):
        EMAIL = "email", _("メール")
        PRINT = "print", _("印刷して配布")
        HANDOVER = "handover", _("手渡し")

    item = models.ForeignKey(SafetyInfo, on_delete=models.PROTECT, related_name="distributions")
    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("方法"), max_length=10, choices=Method.choices)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("地域安全情報の提供")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.item} {self.get_method_display()}"


class Delivery(models.Model):
    """One contact person's copy of a distribution: each e-mail's outcome is kept, a failure is shown and retried."""

    STATION_PATH = "distribution__station"
    KOBAN_PATH = "contact__koban"

    class Status(models.TextChoices):
        QUEUED = "queued", _("送信待ち")
        SENT = "sent", _("送信済")
        FAILED = "failed", _("送信失敗")
        PRINTED = "printed", _("印刷済")
        HANDED = "handed", _("手渡し済")

    distribution = models.ForeignKey(Distribution, on_delete=models.CASCADE, related_name="deliveries")
    contact = models.ForeignKey(ContactPerson, on_delete=models.PROTECT, related_name="deliveries")
    email = models.EmailField(_("送信先"), blank=True)  # the address used, as it was
    status = models.CharField(_("状況"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("送信回数"), default=0)
    last_error = models.CharField(_("エラー"), max_length=300, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    # Whether the contact person passed the item on to residents is theirs to decide (N3.2): recorded only when they
    # say so, never asked for, never required, never on a to-do list. Null means "not recorded".
    shared_with_residents = models.BooleanField(_("住民への発信（本人の申出）"), null=True, blank=True)
    shared_note = models.CharField(_("発信についての申出"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("提供先")
        constraints = [models.UniqueConstraint(fields=["distribution", "contact"], name="delivery_once")]
        indexes = [models.Index(fields=["distribution", "status"], name="delivery_status")]

    def __str__(self):
        return f"{self.contact_id} {self.get_status_display()}"


class Exchange(models.Model):
    """An information exchange with contact persons (N3.1ア–ウ): logged by an officer of any section."""

    STATION_PATH = "station"
    KOBAN_PATH = "koban"

    class Kind(models.TextChoices):
        HOME_VISIT = "home_visit", _("巡回連絡")
        PATROL = "patrol", _("警ら")
        CAMPAIGN = "campaign", _("キャンペーン")
        MEETING = "meeting", _("会議")
        PHONE = "phone", _("電話")
        OTHER = "other", _("その他")

    station = models.ForeignKey("org.Station", verbose_name=_("警察署"), on_delete=models.PROTECT, related_name="+")
    koban = models.ForeignKey(
        "org.Koban", verbose_name=_("交番・駐在所"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on = models.DateField(_("日付"))
    officer = models.ForeignKey(
        "org.Officer", verbose_name=_("警察官"), on_delete=models.PROTECT, related_name="exchanges"
    )
    # The officer's section on the day, for the figures by section.
    section = models.ForeignKey(
        "org.Section", verbose_name=_("課"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("方法"), max_length=12, choices=Kind.choices)
    contacts = models.ManyToManyField(ContactPerson, verbose_name=_("情報交換した連絡員"), related_name="exchanges")
    advice = models.TextField(_("住民の活動への助言・支援"), blank=True)
    notes = models.TextField(_("備考"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("情報交換")
        verbose_name_plural = _("情報交換")
        ordering = ["-on", "-pk"]
        indexes = [
            models.Index(fields=["station", "-on", "-id"], name="exchange_station_recent"),
            models.Index(fields=["officer", "on"], name="exchange_officer_on"),
            models.Index(fields=["koban", "on"], name="exchange_koban_on"),
        ]

    def __str__(self):
        return f"{self.on} {self.get_kind_display()}"


class ExchangeTally(models.Model):
    """How many exchanges an officer logged in a month for a station and a koban (none: logged without one): kept by
    the exchange action in the same transaction (``tally.count_exchange``), read by the chief's view (N4.3, N4.4),
    which then reads a few hundred rows a year whatever the number of exchanges. ``manage.py
    rebuild_exchange_tally`` rebuilds it from the exchanges."""

    STATION_PATH = "station"
    KOBAN_PATH = "koban"

    station = models.ForeignKey("org.Station", on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey("org.Officer", on_delete=models.PROTECT, related_name="+")
    koban = models.ForeignKey("org.Koban", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    month = models.DateField()  # the first day of the month
    exchanges = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["month", "pk"]
        constraints = [
            # One row per key, so that two exchanges logged at once add to the same row (a NULL koban would not
            # collide in a plain unique constraint on either database).
            models.UniqueConstraint(
                fields=["station", "officer", "month", "koban"],
                condition=models.Q(koban__isnull=False),
                name="exchange_tally_once",
            ),
            models.UniqueConstraint(
                fields=["station", "officer", "month"],
                condition=models.Q(koban__isnull=True),
                name="exchange_tally_once_without_koban",
            ),
        ]
        indexes = [
            # With the count, so a year's sum over many stations reads the index alone (the HQ table's total).
            models.Index(fields=["station", "month", "exchanges"], name="exchange_tally_station_sum"),
            models.Index(fields=["koban", "month"], name="exchange_tally_koban"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.exchanges}"


class ExchangeMaterial(models.Model):
    """What was handed out at an exchange: a ミニ広報紙, a 交番速報, or a published information item."""

    STATION_PATH = "exchange__station"

    class Kind(models.TextChoices):
        MINI_NEWSLETTER = "mini_newsletter", _("ミニ広報紙")
        KOBAN_BULLETIN = "koban_bulletin", _("交番速報")
        SAFETY_INFO = "safety_info", _("地域安全情報")
        OTHER = "other", _("その他")

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="materials")
    kind = models.CharField(_("資料の種類"), max_length=20, choices=Kind.choices)
    item = models.ForeignKey(SafetyInfo, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("資料名"), max_length=120, blank=True, help_text=_("例: ○○交番速報 11月号"))

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.title or self.get_kind_display()


class ExchangeCase(models.Model):
    """An opinion or request received at an exchange: a case of ``liaison.cases``, shared station-wide (N3.1ウ)."""

    STATION_PATH = "exchange__station"

    exchange = models.ForeignKey(Exchange, on_delete=models.PROTECT, related_name="case_links")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="exchange_link")

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.exchange_id} → {self.case_id}"


class SafetyMeeting(Versioned):
    """地域安全の会 (N3.3): a station's meeting with contact persons, alone or held together with another meeting."""

    STATION_PATH = "station"

    station = models.ForeignKey("org.Station", verbose_name=_("警察署"), on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("開催日"))
    venue = models.CharField(_("会場"), max_length=120)
    held_with = models.CharField(
        _("合わせて開催した会合"),
        max_length=120,
        blank=True,
        help_text=_("連絡員の負担を減らすため既存の会合に合わせて開いたとき、その会合の名称（例: ○○地区防犯協会総会）"),
    )
    topics = models.TextField(_("議題・内容"))
    contacts = models.ManyToManyField(ContactPerson, verbose_name=_("出席した連絡員"), related_name="safety_meetings")
    other_attendees = models.TextField(_("その他の出席者"), blank=True)
    materials = models.TextField(_("配布資料"), blank=True)
    notes = models.TextField(_("備考"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("地域安全の会")
        verbose_name_plural = _("地域安全の会")
        ordering = ["-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on} {self.venue}"


class SafetyMeetingCase(models.Model):
    """An opinion or request received at a 地域安全の会."""

    STATION_PATH = "meeting__station"

    meeting = models.ForeignKey(SafetyMeeting, on_delete=models.PROTECT, related_name="case_links")
    case = models.OneToOneField("cases.Case", on_delete=models.PROTECT, related_name="safety_meeting_link")

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.meeting_id} → {self.case_id}"


class VisitDay(models.Model):
    """A 巡回連絡強化日 planned for a koban (N4.4): the chief secures officers' time to meet contact persons; the
    exchanges of the koban's officers on that day are its results."""

    STATION_PATH = "koban__station"
    KOBAN_PATH = "koban"

    koban = models.ForeignKey("org.Koban", verbose_name=_("交番・駐在所"), on_delete=models.PROTECT, related_name="+")
    on = models.DateField(_("実施日"))
    note = models.CharField(_("備考"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("巡回連絡強化日")
        verbose_name_plural = _("巡回連絡強化日")
        ordering = ["on", "koban"]
        constraints = [models.UniqueConstraint(fields=["koban", "on"], name="visit_day_once")]

    def __str__(self):
        return f"{self.on} {self.koban}"
