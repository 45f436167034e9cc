"""The demo prefecture's community safety network (N1–N4) for ``manage.py load_demo``.

``build(*, rng, fake, org)`` runs after the councils and meetings and creates, in every station,

* contact persons (地域安全連絡員) in every consent state — 候補, 依頼中, 承諾 (with its date and method), 辞退, 辞任 —
  with their dated consent history, where they come from (N2.1), concurrent roles (N2.2), the municipality and 地区
  of their koban (N4.3), the officer in charge and whether they want information by e-mail (then the person record
  has an address). About a third of them sit on a council of the station today: the same person record (N2.2);
* referrals from several sections of the demo station: waiting for 地域課, accepted (the candidate they became) and
  declined with the reason;
* a year of information exchanges (N3.1ア): about two a month with each consenting contact person of the demo station,
  fewer elsewhere, mostly 巡回連絡 and 警ら, often with a ミニ広報紙 or 交番速報 handed out; some with a request, which
  is a case (N3.1ウ) with its history; a few consenting contact persons of the demo station have not been met for
  more than ``STALE_DAYS`` days, so the chief's view has rows (N4.4). ``last_exchange_on`` is the latest exchange;
* safety information (N3.1エ): items of an HQ division to every station, one passed on by the demo station to its
  kobans, and one of the demo station's own; one e-mail distribution (N3.2) whose deliveries were sent but one, which
  failed with the server's message, and one hand-over, logged as an exchange;
* two 地域安全の会 (N3.3) of the demo station, one held together with another meeting, with attendees and an opinion;
* 巡回連絡強化日 (N4.4) of the demo koban, with exchanges made on them.

Contact persons and their consent steps go through the actions (``liaison.network.actions.contacts``), which write
the history and the audit entries. The rest is written as rows with ``bulk_create``, keeping what the models state:
exchanges only with people who had consented and had not withdrawn on the day, deliveries only to people who
consented and want e-mail, a passed-on item pointing to the one it came from. Declined and withdrawn people are never
met after their step. Dates are relative to the load day; randomness comes from a generator derived from the demo's.
"""

from __future__ import annotations

import datetime
import random
import re
from collections import defaultdict
from dataclasses import dataclass, field

from faker import Faker

from liaison.cases.models import Case, CaseUpdate
from liaison.councils.models import Membership
from liaison.councils.queries import current_memberships
from liaison.demo.meetings import REQUESTS, case_story
from liaison.demo.names import full_name
from liaison.findings.store import refresh, registered
from liaison.lib.dates import today_tokyo
from liaison.lib.wareki import TOKYO
from liaison.network.actions.contacts import consent_change, contact_create
from liaison.network.models import (
    ContactPerson,
    ContactRole,
    Delivery,
    Distribution,
    Exchange,
    ExchangeCase,
    ExchangeMaterial,
    ExchangeTally,
    Referral,
    SafetyInfo,
    SafetyInfoTarget,
    SafetyMeeting,
    SafetyMeetingCase,
    VisitDay,
)
from liaison.network.tally import tally_rows
from liaison.org.models import HQDivision, Koban, Officer, Station
from liaison.people.actions import person_create
from liaison.people.models import Person

DAY = datetime.timedelta(days=1)
Consent = ContactPerson.Consent
Method = ContactPerson.ConsentMethod
Source = ContactPerson.Source
Kind = Exchange.Kind
Material = ExchangeMaterial.Kind

STALE_DAYS = 90  # PrefectureSettings.contact_stale_days' default: who the chief's view lists (N4.4)
DEMO_PER_KOBAN = 6  # contact persons per koban of the demo station
OTHER_PER_KOBAN = 2  # … of the other stations
COUNCIL_MEMBER_SHARE = 0.35
# The states after the first five of the demo station, which take one each so every state shows there.
CONSENT_WEIGHTS = {
    Consent.CONSENTED: 62,
    Consent.CANDIDATE: 8,
    Consent.ASKED: 10,
    Consent.DECLINED: 10,
    Consent.WITHDRAWN: 10,
}
KIND_WEIGHTS = {Kind.HOME_VISIT: 45, Kind.PATROL: 30, Kind.PHONE: 10, Kind.CAMPAIGN: 6, Kind.MEETING: 5, Kind.OTHER: 4}
DEMO_PER_MONTH = 2.0  # exchanges a consenting contact person of the demo station has a month
OTHER_PER_MONTH = 0.5
REQUEST_SHARE = 0.06  # exchanges at which a request was received
STALE_IN_DEMO = 3  # consenting contact persons of the demo station not met for more than STALE_DAYS

SOURCE_WEIGHTS = {
    Source.ACQUAINTANCE: 3,
    Source.COOPERATOR: 3,
    Source.GROUP: 3,
    Source.COMMUNITY_COUNCIL: 2,
    Source.OTHER: 1,
}
SOURCE_DETAILS = {
    Source.ACQUAINTANCE: ["交番勤務員の巡回連絡先", "駐在所員の知人", ""],
    Source.COOPERATOR: ["防犯協会の会員", "少年警察補導員", "交通安全協会の会員"],
    Source.GROUP: ["{town}町内会", "{town}老人クラブ", "{town}子ども見守り隊"],
    Source.COMMUNITY_COUNCIL: ["{town}地区コミュニティ協議会"],
    Source.OTHER: ["民生委員", "商店会"],
}
ROLES = [
    (ContactRole.Kind.NEIGHBOURHOOD_HEAD, "{town}町内会長"),
    (ContactRole.Kind.GROUP_HEAD, "{town}老人クラブ会長"),
    (ContactRole.Kind.SAFETY_PROMOTER, ""),
    (ContactRole.Kind.JUVENILE_GUIDANCE, ""),
    (ContactRole.Kind.POLICE_VOLUNTEER, "防犯パトロール隊"),
    (ContactRole.Kind.OTHER, "民生委員"),
]
DECLINE_NOTES = [
    "仕事が忙しく時間が取れないとのこと。",
    "家族の介護があり引き受けられないとのこと。",
    "高齢を理由に辞退。",
]
WITHDRAW_NOTES = ["転居のため辞任の申出。", "体調を崩したため辞任の申出。", "町内会の役員交代に伴い辞任の申出。"]
ADVICE = [
    "",
    "",
    "町内会の防犯パトロールの経路について、暗い道を加えるよう助言した。",
    "子ども見守り活動の時間帯について、下校時刻に合わせるよう助言した。",
    "特殊詐欺の手口を紹介し、老人クラブでの呼び掛けを依頼ではなく提案として伝えた。",
]
INFO_ITEMS = [
    (
        "特殊詐欺（還付金詐欺）の多発について",
        "県内で市役所職員をかたる還付金詐欺の電話が相次いでいます。ATMで還付金は受け取れません。",
        "県内全域",
    ),
    (
        "自転車盗難防止（ツーロック）の呼び掛け",
        "自転車盗の約6割が無施錠です。駐輪の際は二重ロックをお願いします。",
        "県内全域",
    ),
    (
        "年末年始の特別警戒について",
        "年末年始は空き巣・ひったくりが増える時期です。戸締まりと声掛けをお願いします。",
        "県内全域",
    ),
]
OWN_ITEM = (
    "管内での不審者（声かけ）事案について",
    "下校時間帯に児童への声かけ事案が発生しました。見守り活動の際はご注意ください。",
    "{area}",
)


def _district(koban: Koban) -> str:
    """The 地区 a koban's area begins with: 「一番町一丁目〜四丁目、国分町一丁目」 → 「一番町地区」."""
    first = koban.area.split("、")[0] if koban.area else koban.name
    stem = re.split(r"[一二三四五六七八九十]丁目|・|の一部", first)[0] or koban.name.removesuffix("交番")
    return f"{stem}地区"


def _weighted(rng: random.Random, weights: dict):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=TOKYO)


@dataclass
class _Contact:
    contact: ContactPerson
    koban: Koban
    registered: datetime.date
    consented_on: datetime.date | None = None  # the last step to 承諾
    ended_on: datetime.date | None = None  # 辞任: nobody meets them from this day
    exchange_days: list[datetime.date] = field(default_factory=list)
    stale: bool = False  # kept from exchanges for more than STALE_DAYS (N4.4)

    def met_on(self, day: datetime.date) -> bool:
        """Whether an exchange with them on ``day`` is possible: consented then and not yet withdrawn."""
        return (
            self.consented_on is not None
            and self.consented_on <= day
            and (self.ended_on is None or day < self.ended_on)
        )


class _Builder:
    def __init__(self, rng: random.Random, fake: Faker, org: dict):
        self.rng = rng
        self.fake = fake
        self.org = org
        self.today = today_tokyo()
        self.year_ago = self.today - 365 * DAY
        self.demo_station: Station = org["demo"]["demo_chief"].station
        self.demo_koban_id: int = org["demo"]["demo_koban_chief"].koban_id
        self.community_user = org["demo"]["demo_community"].user
        self.kobans: dict[int, list[Koban]] = defaultdict(list)
        for koban in org["kobans"]:
            self.kobans[koban.station_id].append(koban)
        self.koban_officers: dict[int, list[Officer]] = defaultdict(list)
        self.clerk: dict[int, Officer] = {}  # each station's 地域課長: the one who registers contact persons
        self.station_officers: dict[int, list[Officer]] = defaultdict(list)
        self.officers = {o.pk: o for o in org["officers"]}
        for officer in org["officers"]:
            if officer.koban_id:
                self.koban_officers[officer.koban_id].append(officer)
            if officer.station_id:
                self.station_officers[officer.station_id].append(officer)
            if officer.role == Officer.Role.COMMUNITY_SECTION and officer.title == "地域課長":
                self.clerk[officer.station_id] = officer
        for officer in org["officers"]:  # a station without a 地域課長 (none in the demo) registers through its chief
            if officer.role == Officer.Role.STATION_CHIEF:
                self.clerk.setdefault(officer.station_id, officer)
        self.contacts: dict[int, list[_Contact]] = defaultdict(list)
        self.exchanges: list[Exchange] = []
        self.exchange_contacts: list[list[_Contact]] = []
        self.materials: list[tuple[int, ExchangeMaterial]] = []  # (index of the exchange, row)
        self.requests: list[tuple[int, _Contact]] = []
        self.visit_days: list[datetime.date] = []
        self.items: list[SafetyInfo] = []

    # --- contact persons, through the actions -----------------------------------------------------------------

    def new_person(self, station: Station, koban: Koban, wants_email: bool) -> Person:
        rng = self.rng
        gender = "female" if rng.random() < 0.35 else "male"
        family, given, family_kana, given_kana = full_name(rng, gender)
        age = round(rng.triangular(35, 84, 68))
        birth = datetime.date(self.today.year - age - 1, 1, 1) + rng.randint(0, 364) * DAY
        data = {
            "family_name": family,
            "given_name": given,
            "family_kana": family_kana,
            "given_kana": given_kana,
            "birth_date": birth,
            "gender": gender,
            "address_prefecture": "宮城県",
            "address_city": koban.municipality,
            "address_town": _district(koban).removesuffix("地区"),
            "address_rest": f"{rng.randint(1, 4)}丁目{rng.randint(1, 30)}番{rng.randint(1, 25)}号",
            "phone": f"{rng.choice(['090', '080'])}{rng.randint(10000000, 99999999)}",
            "email": self.fake.free_email() if wants_email else "",
        }
        return person_create(data=data, station=station, acting_user=self.clerk[station.pk].user)

    def contact(self, station: Station, koban: Koban, consent: str, member: Person | None) -> _Contact:
        rng = self.rng
        clerk = self.clerk[station.pk].user
        town = _district(koban).removesuffix("地区")
        wants_email = rng.random() < 0.35
        if member is not None:
            person = member
            wants_email = wants_email and bool(person.email)
        else:
            person = self.new_person(station, koban, wants_email)
        source = Source.COMMUNITY_COUNCIL if member is not None and rng.random() < 0.5 else None
        source = source or _weighted(rng, SOURCE_WEIGHTS)
        officers = self.koban_officers[koban.pk] or self.station_officers[station.pk]
        roles = []
        for kind, detail in rng.sample(ROLES, k=rng.choice([0, 1, 1, 2])):
            roles.append((kind, detail.format(town=town)))
        registered = self.today - rng.randint(60, 720) * DAY
        contact = contact_create(
            station=station,
            person=person,
            values={
                "koban": koban,
                "municipality": koban.municipality,
                "district": _district(koban),
                "source": source,
                "source_detail": rng.choice(SOURCE_DETAILS[source]).format(town=town),
                "officer": rng.choice(officers),
                "contact_way": ContactPerson.ContactWay.EMAIL
                if wants_email and rng.random() < 0.5
                else rng.choice([ContactPerson.ContactWay.VISIT, ContactPerson.ContactWay.PHONE]),
                "wants_email": wants_email,
            },
            roles=roles,
            acting_user=clerk,
            on=registered,
            note="連絡協議会の委員" if member is not None else "",
        )
        found = _Contact(contact, koban, registered)
        day = registered
        if consent == Consent.CANDIDATE:
            return found

        def step(to: str, after: tuple[int, int], **values) -> None:
            nonlocal day
            day = min(day + rng.randint(*after) * DAY, self.today)
            found.contact = consent_change(contact=found.contact, consent=to, on=day, acting_user=clerk, **values)

        direct = consent == Consent.CONSENTED and rng.random() < 0.25  # said yes when first asked
        if not direct:
            step(Consent.ASKED, (3, 20))
        if consent == Consent.ASKED:
            return found
        if consent == Consent.DECLINED:
            step(Consent.DECLINED, (5, 30), note=rng.choice(DECLINE_NOTES))
            return found
        step(
            Consent.CONSENTED,
            (2, 25),
            method=_weighted(rng, {Method.IN_PERSON: 5, Method.DOCUMENT: 3, Method.PHONE: 2}),
        )
        found.consented_on = day
        if consent == Consent.WITHDRAWN:
            # Withdrawn within the last year, after some months of exchanges.
            withdrawn = max(day + 30 * DAY, self.today - rng.randint(20, 300) * DAY)
            if withdrawn > self.today:
                withdrawn = self.today
            found.contact = consent_change(
                contact=found.contact,
                consent=Consent.WITHDRAWN,
                on=withdrawn,
                note=rng.choice(WITHDRAW_NOTES),
                acting_user=clerk,
            )
            found.ended_on = withdrawn
        return found

    def station_contacts(self, station: Station, per_koban: int, demo: bool) -> None:
        rng = self.rng
        members = list(
            Person.objects.filter(
                pk__in=Membership.objects.filter(current_memberships(self.today), council__station=station).values(
                    "person_id"
                )
            ).order_by("pk")
        )
        rng.shuffle(members)
        # The demo station shows every state on its first five.
        forced = [Consent.CANDIDATE, Consent.ASKED, Consent.CONSENTED, Consent.DECLINED, Consent.WITHDRAWN]
        forced = list(forced) if demo else []
        for koban in self.kobans[station.pk]:
            for _ in range(per_koban):
                consent = forced.pop(0) if forced else _weighted(rng, CONSENT_WEIGHTS)
                member = members.pop() if members and rng.random() < COUNCIL_MEMBER_SHARE else None
                self.contacts[station.pk].append(self.contact(station, koban, consent, member))

    # --- referrals, as rows -----------------------------------------------------------------------------------

    def referrals(self) -> None:
        rng = self.rng
        station = self.demo_station
        officers = [o for o in self.station_officers[station.pk] if o.section_id and not o.koban_id]
        by_section = defaultdict(list)
        for officer in officers:
            by_section[officer.section_id].append(officer)
        referrers = [rng.choice(group) for _section, group in sorted(by_section.items())]
        referrers += [rng.choice(self.koban_officers[self.demo_koban_id])]
        kobans = self.kobans[station.pk]
        candidates = [c for c in self.contacts[station.pk] if c.contact.consent == Consent.CANDIDATE]
        reasons = [
            ("campaign", "交通安全キャンペーンで声を掛けたところ、地域の防犯に関心が高く協力的だった。"),
            ("case", "空き巣被害の聞き込みで、近所の様子に詳しく的確な情報をくれた。"),
            ("meeting", "防犯協会の会合で、通学路の見守りを自主的に続けていると聞いた。"),
            ("visit", "巡回連絡で、町内の高齢者の見守りをしていると聞いた。"),
            ("other", "自治会の行事で、地域の安全について熱心に話していた。"),
        ]
        rows = []
        outcomes = ["accepted", "pending", "declined", "pending", "accepted", "declined"]
        for i, referrer in enumerate(referrers):
            met_at, reason = reasons[i % len(reasons)]
            status = outcomes[i % len(outcomes)]
            referred = self.today - rng.randint(3, 120) * DAY
            family, given, family_kana, given_kana = full_name(rng, rng.choice(["male", "female"]))
            koban = rng.choice(kobans)
            row = Referral(
                station=station,
                referrer=referrer,
                section_id=referrer.section_id,
                koban=koban,
                reason=reason,
                met_at=met_at,
                met_detail="",
                referred_on=referred,
                status=status,
                created_by_id=referrer.user_id,
            )
            if status == "accepted" and candidates:
                # The candidate 地域課 registered from this referral: its person record, its contact person.
                found = candidates.pop()
                row.person, row.contact, row.koban = found.contact.person, found.contact, found.koban
                row.referred_on = found.registered - rng.randint(1, 10) * DAY
            else:
                if status == "accepted":
                    row.status = status = "pending"
                row.family_name, row.given_name, row.family_kana, row.given_kana = (
                    family,
                    given,
                    family_kana,
                    given_kana,
                )
                row.address = f"{koban.municipality}{_district(koban).removesuffix('地区')}"
                row.phone = f"090{rng.randint(10000000, 99999999)}"
            if status == "accepted":
                row.decided_by, row.decided_at = self.community_user, _at(found.registered, 15)
            elif status == "declined":
                row.decided_by = self.community_user
                row.decided_at = _at(min(row.referred_on + rng.randint(1, 10) * DAY, self.today), 15)
            if status == "declined":
                row.decline_reason = "既に同じ地区に連絡員が複数おり、本人の負担も考え今回は見送る。"
            rows.append(row)
        Referral.objects.bulk_create(rows)

    # --- exchanges, as rows ----------------------------------------------------------------------------------

    def exchange(self, station: Station, koban: Koban, day: datetime.date, met: list[_Contact], kind=None) -> int:
        rng = self.rng
        officer = self.officers.get(met[0].contact.officer_id) or rng.choice(self.koban_officers[koban.pk])
        self.exchanges.append(
            Exchange(
                station=station,
                koban=koban,
                on=day,
                officer=officer,
                section_id=officer.section_id,
                kind=kind or _weighted(rng, KIND_WEIGHTS),
                advice=rng.choice(ADVICE),
                created_by_id=officer.user_id,
            )
        )
        self.exchange_contacts.append(met)
        for contact in met:
            contact.exchange_days.append(day)
        index = len(self.exchanges) - 1
        if rng.random() < 0.45:
            material = rng.choice([Material.MINI_NEWSLETTER, Material.KOBAN_BULLETIN])
            title = f"{koban.name}{'だより' if material == Material.MINI_NEWSLETTER else '速報'} {day.month}月号"
            self.materials.append((index, ExchangeMaterial(kind=material, title=title)))
        return index

    def year_of_exchanges(self, station: Station, per_month: float, stale: int) -> None:
        rng = self.rng
        contacts = [c for c in self.contacts[station.pk] if c.consented_on is not None]
        long_ago = self.today - 210 * DAY
        for found in [c for c in contacts if c.contact.consent == Consent.CONSENTED and c.consented_on < long_ago][
            :stale
        ]:
            found.stale = True
        by_koban = defaultdict(list)
        for found in contacts:
            by_koban[found.koban.pk].append(found)
        for found in contacts:
            start = max(found.consented_on, self.year_ago)
            end = found.ended_on - DAY if found.ended_on else self.today
            if found.stale:
                end = self.today - rng.randint(STALE_DAYS + 10, 200) * DAY
            if end < start:
                continue
            span = (end - start).days + 1
            count = max(1, round(per_month * span / 30.4 * rng.uniform(0.7, 1.3)))
            for day in sorted(start + rng.randrange(span) * DAY for _ in range(count)):
                met = [found]
                if rng.random() < 0.12:  # now and then two neighbours at once
                    other = rng.choice(by_koban[found.koban.pk])
                    if other is not found and other.met_on(day) and not other.stale:
                        met.append(other)
                index = self.exchange(station, found.koban, day, met)
                if rng.random() < REQUEST_SHARE:
                    self.requests.append((index, found))

    def visit_day_rows(self) -> None:
        """Four 巡回連絡強化日 of the demo koban in the past year (with the exchanges made on them) and one ahead."""
        rng = self.rng
        koban = next(k for k in self.kobans[self.demo_station.pk] if k.pk == self.demo_koban_id)
        chief = self.org["demo"]["demo_chief"]
        days = sorted({self.today - rng.randint(15 + 80 * i, 75 + 80 * i) * DAY for i in range(4)})
        ahead = self.today + rng.randint(10, 30) * DAY
        VisitDay.objects.bulk_create(
            VisitDay(
                koban=koban, on=day, note="巡回連絡強化日（交番全員で連絡員宅を訪問）", created_by_id=chief.user_id
            )
            for day in [*days, ahead]
        )
        here = [c for c in self.contacts[self.demo_station.pk] if c.koban.pk == koban.pk]
        for day in days:
            met = [c for c in here if c.met_on(day) and not c.stale]
            for found in met[:5]:
                self.exchange(self.demo_station, koban, day, [found], kind=Kind.HOME_VISIT)
        self.visit_days = days

    def write_exchanges(self) -> None:
        """The exchanges, their contacts, materials and requests (cases with their history), then last_exchange_on."""
        rng = self.rng
        Exchange.objects.bulk_create(self.exchanges, batch_size=500)
        ExchangeTally.objects.bulk_create(
            tally_rows((e.station_id, e.officer_id, e.koban_id, e.on) for e in self.exchanges), batch_size=500
        )
        through = Exchange.contacts.through
        through.objects.bulk_create(
            (
                through(exchange_id=exchange.pk, contactperson_id=found.contact.pk)
                for exchange, met in zip(self.exchanges, self.exchange_contacts, strict=True)
                for found in met
            ),
            batch_size=500,
        )
        ExchangeMaterial.objects.bulk_create(
            [_with(row, exchange_id=self.exchanges[index].pk) for index, row in self.materials], batch_size=500
        )
        cases, updates, links = [], [], []
        sections = {(s.station_id, s.name): s for s in self.org["sections"].values()}
        for index, found in self.requests:
            exchange = self.exchanges[index]
            category, content, answer, section, done, difficult = rng.choice(REQUESTS)
            story = case_story(rng, exchange.on, self.today)
            if story.status == Case.Status.DIFFICULT and not difficult:
                story.status = Case.Status.DONE
                story.steps[-1] = (story.steps[-1][0], Case.Status.DONE)
            case = Case(
                station_id=exchange.station_id,
                koban_id=exchange.koban_id,
                received_on=exchange.on,
                category=category,
                content=content.format(town=_district(found.koban).removesuffix("地区")),
                raised_by_kind=Case.RaisedBy.CONTACT_PERSON,
                raised_by_person_id=found.contact.person_id,
                answer=answer,
                section=sections[(exchange.station_id, section)],
                status=story.status,
                settled_on=story.settled_on,
                told_on=story.told_on,
                created_by_id=exchange.created_by_id,
            )
            cases.append(case)
            notes = {Case.Status.DONE: done, Case.Status.DIFFICULT: difficult}
            for on, status in story.steps:
                updates.append((case, on, status, notes.get(status, ""), exchange.officer))
            links.append((exchange, case))
        Case.objects.bulk_create(cases)
        CaseUpdate.objects.bulk_create(
            CaseUpdate(case=case, on=on, status=status, note=note, officer=officer, created_by_id=officer.user_id)
            for case, on, status, note, officer in updates
        )
        ExchangeCase.objects.bulk_create(ExchangeCase(exchange=exchange, case=case) for exchange, case in links)
        touched = []
        for found in (c for group in self.contacts.values() for c in group):
            if found.exchange_days:
                found.contact.last_exchange_on = max(found.exchange_days)
                touched.append(found.contact)
        ContactPerson.objects.bulk_update(touched, ["last_exchange_on"], batch_size=500)

    # --- safety information and its distribution, as rows -----------------------------------------------------

    def safety_info(self) -> None:
        rng = self.rng
        division = HQDivision.objects.get(name="生活安全部生活安全企画課")
        hq_user = self.org["demo"]["demo_hq_staff"].user_id
        stations = self.org["stations"]
        station = self.demo_station
        for n, (title, body, area) in enumerate(INFO_ITEMS):
            published = self.today - (150 - 60 * n + rng.randint(0, 20)) * DAY
            item = SafetyInfo.objects.create(
                publisher_division=division,
                title=title,
                body=body,
                area=area,
                published_on=published,
                valid_until=published + 90 * DAY,
                created_by_id=hq_user,
            )
            SafetyInfoTarget.objects.bulk_create(SafetyInfoTarget(item=item, station=s) for s in stations)
            self.items.append(item)
        kobans = self.kobans[station.pk]
        source = self.items[-1]
        passed = SafetyInfo.objects.create(
            publisher_station=station,
            title=f"【転送】{source.title}",
            body=f"{source.body}\n管内の各交番・駐在所は、巡回連絡の際に連絡員へお伝えください。",
            area=station.name.removesuffix("警察署") + "警察署管内",
            published_on=min(source.published_on + 2 * DAY, self.today),
            valid_until=source.valid_until,
            passed_on_from=source,
            created_by=self.community_user,
        )
        title, body, area = OWN_ITEM
        own = SafetyInfo.objects.create(
            publisher_station=station,
            title=title,
            body=body,
            area=area.format(area=_district(kobans[0])),
            published_on=self.today - 12 * DAY,
            valid_until=self.today + 30 * DAY,
            created_by=self.community_user,
        )
        SafetyInfoTarget.objects.bulk_create(
            SafetyInfoTarget(item=item, station=station, koban=k) for item in (passed, own) for k in kobans
        )
        self.items += [passed, own]

    def distributions(self) -> None:
        """One e-mail distribution of the demo station's own item (one failure, with the server's message) and one
        hand-over of the passed-on item, logged as an exchange with the item handed out."""
        station = self.demo_station
        own, passed = self.items[-1], self.items[-2]
        sent_at = _at(own.published_on + DAY, 9)
        email = Distribution.objects.create(
            item=own, station=station, method=Distribution.Method.EMAIL, created_by=self.community_user
        )
        wanting = [
            c
            for c in self.contacts[station.pk]
            if c.contact.consent == Consent.CONSENTED and c.contact.wants_email and c.contact.person.email
        ]
        deliveries = []
        for n, found in enumerate(wanting):
            failed = n == 0
            deliveries.append(
                Delivery(
                    distribution=email,
                    contact=found.contact,
                    email=found.contact.person.email,
                    status=Delivery.Status.FAILED if failed else Delivery.Status.SENT,
                    attempts=3 if failed else 1,
                    last_error=f"550 5.1.1 <{found.contact.person.email}>: Recipient address rejected: User unknown"
                    if failed
                    else "",
                    done_at=None if failed else sent_at,
                    shared_with_residents=True if n == 1 else None,
                    shared_note="町内会の回覧板で住民に知らせたとのこと（本人の申出）" if n == 1 else "",
                )
            )
        Delivery.objects.bulk_create(deliveries)
        day = min(passed.published_on + self.rng.randint(1, 7) * DAY, self.today)
        eligible = [c for c in self.contacts[station.pk] if c.met_on(day) and not c.stale]
        by_koban = defaultdict(list)
        for found in eligible:
            by_koban[found.koban.pk].append(found)
        # The koban with the most contact persons to visit that day hands the item over on one round.
        handed = max(by_koban.values(), key=len, default=[])[:3]
        koban = handed[0].koban if handed else None
        if handed:
            handover = Distribution.objects.create(
                item=passed, station=station, method=Distribution.Method.HANDOVER, created_by=self.community_user
            )
            Delivery.objects.bulk_create(
                Delivery(distribution=handover, contact=c.contact, status=Delivery.Status.HANDED, done_at=_at(day, 14))
                for c in handed
            )
            index = self.exchange(station, koban, day, handed, kind=Kind.HOME_VISIT)
            self.materials.append((index, ExchangeMaterial(kind=Material.SAFETY_INFO, item=passed, title="")))

    # --- 地域安全の会, as rows --------------------------------------------------------------------------------

    def safety_meetings(self) -> None:
        rng = self.rng
        station = self.demo_station
        kobans = self.kobans[station.pk]
        district = _district(kobans[0]).removesuffix("地区")
        plans = [
            (self.today - 130 * DAY, f"{district}市民センター", ""),
            (self.today - 40 * DAY, f"{district}公民館", f"{district}地区防犯協会総会"),
        ]
        for held, venue, held_with in plans:
            meeting = SafetyMeeting.objects.create(
                station=station,
                held_on=held,
                venue=venue,
                held_with=held_with,
                topics="管内の犯罪・事故の発生状況、特殊詐欺の手口、連絡員からの地域の情報",
                other_attendees="防犯協会会長、町内会長2名",
                materials=f"{kobans[0].name}だより、地域安全情報",
                created_by=self.community_user,
            )
            present = [c.contact for c in self.contacts[station.pk] if c.met_on(held) and rng.random() < 0.6]
            meeting.contacts.set(present)
            category, content, answer, section, _done, _difficult = rng.choice(REQUESTS)
            raiser = present[0] if present else None
            case = Case.objects.create(
                station=station,
                received_on=held,
                category=category,
                content=content.format(town=district),
                raised_by_kind=Case.RaisedBy.CONTACT_PERSON if raiser else Case.RaisedBy.RESIDENT,
                raised_by_person_id=raiser.person_id if raiser else None,
                answer=answer,
                section=self.org["sections"][(station.name, section)],
                status=Case.Status.CONSIDERING,
                created_by=self.community_user,
            )
            officer = self.org["demo"]["demo_community"]
            CaseUpdate.objects.bulk_create(
                [
                    CaseUpdate(
                        case=case, on=held, status=Case.Status.RECEIVED, officer=officer, created_by=officer.user
                    ),
                    CaseUpdate(
                        case=case,
                        on=min(held + 7 * DAY, self.today),
                        status=Case.Status.CONSIDERING,
                        officer=officer,
                        created_by=officer.user,
                    ),
                ]
            )
            SafetyMeetingCase.objects.create(meeting=meeting, case=case)


def _with(row, **values):
    for name, value in values.items():
        setattr(row, name, value)
    return row


def build(*, rng: random.Random, fake: Faker, org: dict) -> None:
    """Create the demo network (see the module docstring). Does nothing where the demo station has contact persons
    already, so running it twice leaves one network."""
    station = org["demo"]["demo_chief"].station
    if ContactPerson.objects.filter(station=station).exists():
        return
    builder = _Builder(random.Random(rng.random()), fake, org)
    for each in sorted(org["stations"], key=lambda s: s.pk):
        demo = each.pk == station.pk
        builder.station_contacts(each, DEMO_PER_KOBAN if demo else OTHER_PER_KOBAN, demo)
    builder.referrals()
    for each in sorted(org["stations"], key=lambda s: s.pk):
        demo = each.pk == station.pk
        builder.year_of_exchanges(each, DEMO_PER_MONTH if demo else OTHER_PER_MONTH, STALE_IN_DEMO if demo else 0)
    builder.visit_day_rows()
    builder.safety_info()
    builder.distributions()
    builder.write_exchanges()
    builder.safety_meetings()
    # Rows written without the actions: have the network's sources of stored findings (if any are registered)
    # refreshed when the demo's block ends, as the meetings builder does for the councils' sources.
    for source in registered():
        objects = source.objects()
        if objects.model._meta.app_label == "network":
            refresh(source.name, objects.values_list("pk", flat=True))
