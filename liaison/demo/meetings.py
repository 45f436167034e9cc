"""Demo council meetings, opinions and requests (C7–C10, C8.2) for ``manage.py load_demo``.

``build(*, rng, fake, org)`` runs after ``liaison.demo.councils`` and creates, for the active councils,

* two fiscal years of meetings: the last one whole and the current one up to today, 1–3 regular meetings a year
  (第N回 within the year) held at the koban, a 公民館, a 集会所 or a 市民センター, now and then an ad hoc meeting after
  a run of burglaries or the like with the measures agreed, and the next regular meeting planned where it falls
  within the coming weeks;
* on each held meeting most of the members serving that day, sometimes a guest (a head teacher, a PTA chair, a city
  official, with why they came), and the police who attended, each with the executive class Form 3 counts;
* the opinions and requests raised (cases, linked in order), with the answer given at the meeting and a dated
  history up to their status today (受付, 検討中, 措置済, 措置困難, 長期対応), most settled ones told to the attendees,
  the recently settled ones not yet; a few cases raised outside meetings;
* one problem-solving activity (問題解決活動) of the demo koban's council, with linked cases and an interim report
  whose due date has passed unreported;
* two election periods: the 2025 upper-house election (prefecture-wide, past; one meeting held in it with the
  reason recorded) and a Sendai city election a few weeks ahead;
* information handed over by members (one reported to the station chief, one not) and the operation staff's
  visits and calls.

``NO_REGULAR_MEETING_THIS_YEAR`` is the one council without a regular meeting this fiscal year, so the C7.2 finding
shows. Good-practice reports (C11.1(2)) are not built here.

The rows are written with ``bulk_create`` (the demo is loaded by many tests, and row-by-row actions for some
thousand rows would double its time), so they carry no audit entries; the stored findings of every registered
source are refreshed when the demo's ``deferred()`` block ends. Dates are relative to the load day, like the terms.
"""

from __future__ import annotations

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field

from faker import Faker

from liaison.cases.models import Case, CaseUpdate
from liaison.councils.models import Council, Membership
from liaison.demo.councils import PLACES
from liaison.demo.names import full_name
from liaison.findings.store import refresh, registered
from liaison.lib.dates import today_tokyo
from liaison.lib.wareki import TOKYO
from liaison.meetings import rules as meeting_rules
from liaison.meetings.models import (
    Activity,
    Attendance,
    ElectionPeriod,
    Guest,
    InterimReport,
    Meeting,
    MeetingCase,
    MemberContact,
    MemberInformation,
    PoliceAttendee,
)
from liaison.org.models import Officer

DAY = datetime.timedelta(days=1)
Status = Case.Status
Theme = Meeting.Theme
Measure = Meeting.Measure
Executive = PoliceAttendee.ExecutiveClass

# The council that has held no regular meeting this fiscal year (C7.2): 青葉's, so the demo station chief sees it.
NO_REGULAR_MEETING_THIS_YEAR = "北山交番連絡協議会"
# The council that met during the upper-house election campaign, with the reason recorded (C10.3).
ELECTION_OVERRIDE_COUNCIL = "国分町地区繁華街防犯連絡協議会"
OVERRIDE_REASON = (
    "仙台七夕まつりを控え、客引き・雑踏対策について祭り前に協議する必要があり、日程を変更できないため。"
    "選挙に関する話題は取り扱わないことを委員に周知した。"
)
UPPER_HOUSE = ("第27回参議院議員通常選挙", datetime.date(2025, 7, 3), datetime.date(2025, 7, 19))
SENDAI_WARDS = ["仙台市青葉区", "仙台市宮城野区", "仙台市若林区", "仙台市太白区", "仙台市泉区"]

PLANNED_AHEAD_DAYS = 75  # the next regular meeting is on record once it is this close
REGULAR_COUNTS = {1: 2, 2: 5, 3: 3}
# Day offsets from 1 April where the regular meetings of a year fall, by how many there are.
WINDOWS = {1: [(40, 110)], 2: [(40, 100), (190, 290)], 3: [(35, 85), (150, 205), (250, 330)]}
AD_HOC_SHARE = 0.1  # councils with an ad hoc meeting in a given year

# --- the executive class (C10.2, Form 3) ---------------------------------------------------------------------------


def executive_class(rank: str, title: str, community_section: bool, at_koban: bool = False) -> str:
    """The class Form 3 counts an attendee in: the meetings' own rule (``liaison.meetings.rules.executive_class``)."""
    return meeting_rules.executive_class(
        rank=rank, title=title, section_is_community=community_section, at_koban=at_koban
    )


# --- what is said at meetings --------------------------------------------------------------------------------------

# (category, request, answer at the meeting, section in charge, what was done, why it could not be done)
REQUESTS: list[tuple[str, str, str, str, str, str]] = [
    (
        Case.Category.TRAFFIC,
        "{town}の通学路の交差点で、朝の時間帯に一時停止を守らない車が多い。取締りをしてほしい。",
        "登校時間帯の重点的な取締りと、交番勤務員による街頭活動を検討する。",
        "交通課",
        "登校時間帯に取締りを実施し、交番勤務員の朝の立番を週2回行うこととした。",
        "",
    ),
    (
        Case.Category.TRAFFIC,
        "{town}の市道で速度を出す車が多い。横断歩道を設置してもらえないか。",
        "横断歩道の設置は公安委員会の判断となるため、現場の交通量を調査したうえで上申を検討する。",
        "交通課",
        "交通量調査の結果を踏まえ上申し、横断歩道が設置された。",
        "交通量調査の結果、設置基準を満たさないため設置は困難。代わりに注意喚起の看板を道路管理者に依頼した。",
    ),
    (
        Case.Category.ENVIRONMENT,
        "{town}の公園脇の道が夜暗く、防犯灯が切れている箇所がある。",
        "道路管理者である市に連絡し、早期の修繕を依頼する。",
        "地域課",
        "市が防犯灯2基を修繕し、1基を新設した。",
        "",
    ),
    (
        Case.Category.ENVIRONMENT,
        "{town}の空き家に若者がたむろしているようで不安だ。",
        "夜間のパトロールを強化するとともに、所有者の確認を市と協力して行う。",
        "地域課",
        "夜間のパトロールを強化し、所有者が出入口を施錠・封鎖した。",
        "所有者が所在不明で、建物への措置は困難。パトロールは継続する。",
    ),
    (
        Case.Category.CRIME,
        "{town}で自転車盗が続いている。駐輪場の見回りを増やしてほしい。",
        "駐輪場周辺のパトロールを強化し、ツーロックの呼び掛けを行う。",
        "生活安全課",
        "駐輪場周辺の重点警戒と、防犯登録・ツーロックの呼び掛けを行った。",
        "",
    ),
    (
        Case.Category.CRIME,
        "高齢者宅に不審な電話がかかってきている。特殊詐欺の注意喚起をしてほしい。",
        "交番だより・巡回連絡で注意喚起を行い、老人クラブでの防犯講話を検討する。",
        "生活安全課",
        "老人クラブの会合で防犯講話を行い、交番だよりで手口を紹介した。",
        "",
    ),
    (
        Case.Category.CRIME,
        "{town}の商店街でごみ置き場への放火が心配だ。夜間の見回りをしてほしい。",
        "夜間のパトロールを強化するとともに、消防と情報を共有する。",
        "地域課",
        "夜間のパトロールを強化し、消防署と連携してごみ出しの時間を守るよう呼び掛けた。",
        "",
    ),
    (
        Case.Category.CHILDREN,
        "下校時間帯に子どもへの声かけ事案があったと聞いた。見守りを強化してほしい。",
        "下校時間帯のパトロールを強化し、学校・見守り隊と情報を共有する。",
        "生活安全課",
        "下校時間帯のパトロールを強化し、学校・見守り隊との連絡会を開いた。",
        "",
    ),
    (
        Case.Category.CHILDREN,
        "夏休み期間中、{town}の公園に夜遅くまで中高生が集まっている。",
        "夜間の少年補導を少年補導員と協力して行う。",
        "生活安全課",
        "少年補導員と合同で夜間の補導活動を行った。",
        "",
    ),
    (
        Case.Category.ELDERLY,
        "一人暮らしの高齢者が増えている。巡回連絡で様子を見てほしい。",
        "巡回連絡の際に声かけを行い、民生委員と連携する。",
        "地域課",
        "巡回連絡で一人暮らしの高齢者宅を訪問し、民生委員と見守り先を共有した。",
        "",
    ),
    (
        Case.Category.ELDERLY,
        "高齢ドライバーの運転免許の自主返納について相談できる場がほしい。",
        "交番での相談と、運転免許センターの相談窓口を案内する。",
        "交通課",
        "地区の集会所で運転免許の自主返納に関する相談会を開いた。",
        "",
    ),
    (
        Case.Category.DISASTER,
        "大雨のとき{town}の川沿いの道が冠水する。通行止めの連絡を早くしてほしい。",
        "道路管理者と連絡体制を確認し、冠水時の交通規制について検討する。",
        "交通課",
        "道路管理者と冠水時の連絡体制を確認し、町内会への連絡網に交番を加えた。",
        "河川改修は道路管理者の計画によるため、警察としての措置は困難。冠水時の広報は行う。",
    ),
    (
        Case.Category.OTHER,
        "{town}の違法駐車で、ごみ収集車や緊急車両が通れないことがある。",
        "現場を確認し、取締りと警告の貼付を行う。",
        "交通課",
        "重点的に取締りを行い、違法駐車は減少した。",
        "",
    ),
    (
        Case.Category.OTHER,
        "迷惑な客引きが{town}の歩道に立ち、通行の妨げになっている。",
        "迷惑防止条例に基づく指導・取締りを強化する。",
        "生活安全課",
        "指導・取締りを強化し、客引き行為の検挙を行った。",
        "",
    ),
]

AD_HOC_TRIGGERS = [
    (
        "空き巣の連続発生",
        "{town}で1か月の間に空き巣が{n}件連続して発生したため、臨時に開催した。",
        [Measure.INFORMATION, Measure.COOPERATION, Measure.JOINT_COUNTERMEASURES],
        "発生場所・手口を地図で説明し、町内会の回覧で周知する。夜間の自主パトロールを週2回に増やし、"
        "交番のパトロールと時間をずらして行う。",
    ),
    (
        "子どもへの声かけ事案の続発",
        "下校時間帯に{town}で子どもへの声かけ事案が{n}件続いたため、学校関係者を交えて臨時に開催した。",
        [Measure.INFORMATION, Measure.EMERGENCY_CONTACT, Measure.COOPERATION],
        "不審者の特徴を学校・見守り隊と共有し、発生時は交番へ直ちに通報する連絡網を作った。"
        "下校時間帯の見守り活動への協力を依頼した。",
    ),
    (
        "特殊詐欺の予兆電話の集中",
        "{town}の高齢者宅に市役所職員を名乗る還付金詐欺の予兆電話が{n}件集中したため、臨時に開催した。",
        [Measure.INFORMATION, Measure.COOPERATION],
        "手口と被害防止の要点を説明し、委員が高齢者宅に声をかける。留守番電話の設定を呼び掛ける。",
    ),
    (
        "自転車盗の多発",
        "{town}の駅周辺で自転車盗が{n}件多発したため、臨時に開催した。",
        [Measure.INFORMATION, Measure.JOINT_COUNTERMEASURES],
        "駐輪場での合同の防犯診断とツーロックの呼び掛けを行う。",
    ),
]

GUESTS = [
    ("{town}小学校", "校長", "通学路の安全について学校の取組を説明し、意見を聴くため"),
    ("{town}小学校PTA", "会長", "下校時の見守り活動について意見交換するため"),
    ("{city}役所 防災安全課", "主査", "防犯灯の設置・修繕の手続を説明するため"),
    ("{town}中学校", "生徒指導主事", "夏休み中の少年の非行防止について協議するため"),
    ("{city}地域包括支援センター", "社会福祉士", "高齢者の見守りと特殊詐欺被害防止について説明するため"),
]

EVENTS = {
    4: "春の全国交通安全運動",
    5: "春の全国交通安全運動の結果",
    6: "夏祭りの警戒",
    7: "夏祭り・盆踊りの警戒",
    8: "夏休み中の少年の非行防止",
    9: "秋の全国交通安全運動",
    10: "秋祭りの警戒",
    11: "年末特別警戒",
    12: "年末年始の特別警戒",
    1: "どんと祭の雑踏警備",
    2: "冬道の交通事故防止",
    3: "新入学児童の交通安全",
}
CRIMES = ["自転車盗", "万引き", "車上ねらい", "特殊詐欺", "空き巣", "器物損壊"]
INFO = [
    "町内で不審な車両が夜間に停まっているのを見かけたとの情報（車種・ナンバーの一部）。",
    "空き家の窓ガラスが割られているとの情報と、現場の写真。",
    "町内会の防犯パトロールの実施記録（4月〜9月分）。",
    "地区の夏祭りの開催計画と会場図。",
]
CONTACT_NOTES = [
    "次回の会議の日程について相談した。",
    "町内会の防犯パトロールの状況を聴いた。",
    "地区の夏祭りの警戒について打ち合わせた。",
    "欠席が続いているため、近況を伺った。",
    "会議で出た要望の措置状況を伝えた。",
]


def fiscal_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def at(day: datetime.date, weekend_morning: bool = True) -> datetime.datetime:
    """Meetings are held on weekday evenings, or on Saturday and Sunday mornings."""
    if day.weekday() >= 5 and weekend_morning:
        return datetime.datetime.combine(day, datetime.time(10, 0), tzinfo=TOKYO)
    return datetime.datetime.combine(day, datetime.time(18, 30), tzinfo=TOKYO)


def regular_days(rng: random.Random, year_start: datetime.date, count: int) -> list[datetime.date]:
    """The days of ``count`` regular meetings in the fiscal year starting ``year_start``, in order."""
    return [year_start + rng.randint(low, high) * DAY for low, high in WINDOWS[count]]


@dataclass
class CaseStory:
    """What became of a request raised on ``raised``: the status today, its dated steps, when it was settled and told."""

    status: str
    steps: list[tuple[datetime.date, str]] = field(default_factory=list)
    settled_on: datetime.date | None = None
    told_on: datetime.date | None = None


def case_story(rng: random.Random, raised: datetime.date, today: datetime.date) -> CaseStory:
    """A plausible history for a request raised on ``raised``: the older it is, the likelier it is settled; a
    settled one is told to the attendees within weeks, unless it was settled only lately."""
    age = (today - raised).days
    if age < 20:
        final = rng.choice([Status.RECEIVED, Status.RECEIVED, Status.CONSIDERING])
    elif age < 90:
        final = rng.choices([Status.CONSIDERING, Status.DONE, Status.DIFFICULT, Status.LONG_TERM], [4, 4, 1, 1])[0]
    else:
        final = rng.choices([Status.CONSIDERING, Status.DONE, Status.DIFFICULT, Status.LONG_TERM], [1, 13, 3, 3])[0]
    story = CaseStory(final, [(raised, Status.RECEIVED)])
    if final == Status.RECEIVED:
        return story
    considering = min(raised + rng.randint(3, 14) * DAY, today)
    story.steps.append((considering, Status.CONSIDERING))
    if final == Status.CONSIDERING:
        return story
    settled = min(considering + rng.randint(14, max(15, min(age - 5, 80))) * DAY, today)
    story.steps.append((settled, final))
    if final in Case.SETTLED:
        story.settled_on = settled
        told = settled + rng.randint(3, 25) * DAY
        if told <= today - 5 * DAY and rng.random() < 0.92:
            story.told_on = told
    return story


# --- the builder ---------------------------------------------------------------------------------------------------


@dataclass
class _Council:
    council: Council
    kobans: list
    memberships: list[Membership]
    manager: Officer | None
    town_names: list[str]
    city: str


class _Builder:
    def __init__(self, rng: random.Random, fake: Faker, org: dict):
        self.rng = rng
        self.fake = fake
        self.org = org
        self.today = today_tokyo()
        self.this_year = fiscal_start(self.today)
        self.last_year = datetime.date(self.this_year.year - 1, 4, 1)
        self.stations = {s.pk: s for s in org["stations"]}
        self.sections = {(s.station_id, s.name): s for s in org["sections"].values()}
        community = {s.pk for s in org["sections"].values() if s.is_community}
        self.community = community
        self.chief: dict[int, Officer] = {}
        self.heads: dict[tuple[int, str], Officer] = {}
        self.koban_officers: dict[int, list[Officer]] = defaultdict(list)
        self.hq_admin = org["demo"]["demo_hq_admin"]
        for officer in org["officers"]:
            if officer.role == Officer.Role.STATION_CHIEF:
                self.chief[officer.station_id] = officer
            elif officer.title.endswith("課長") and officer.section_id:
                self.heads[(officer.station_id, officer.title.removesuffix("長"))] = officer
            if officer.koban_id:
                self.koban_officers[officer.koban_id].append(officer)
        self.meetings: list[Meeting] = []
        self.attendances: list[Attendance] = []
        self.guests: list[Guest] = []
        self.police: list[PoliceAttendee] = []
        self.cases: list[Case] = []
        self.updates: list[CaseUpdate] = []
        self.links: list[MeetingCase] = []
        self.periods: list[ElectionPeriod] = []
        self.demo_meetings: list[Meeting] = []

    # --- where and who -----------------------------------------------------------------------------------------

    def plan(self, council: Council, memberships: list[Membership]) -> _Council:
        kobans = sorted(council.kobans.all(), key=lambda k: k.pk)
        towns: list[str] = []
        city = kobans[0].municipality if kobans else ""
        for koban in kobans:
            place = PLACES.get(koban.name)
            if place:
                city = place[0]
                towns += [town for _code, town in place[1]]
            else:
                towns.append(koban.jurisdiction_name.removesuffix("地区"))
        manager = council.operation_manager
        if manager is None and kobans:
            manager = next((o for o in self.koban_officers[kobans[0].pk] if o.role == Officer.Role.KOBAN_CHIEF), None)
        return _Council(council, kobans, memberships, manager, towns or [council.name[:2]], city)

    def venue(self, plan: _Council) -> tuple[str, str]:
        town = self.rng.choice(plan.town_names)
        kind = self.rng.choices(list(Meeting.VenueKind), weights=[4, 3, 3, 1])[0]
        if kind == Meeting.VenueKind.KOBAN and plan.kobans:
            return kind, plan.kobans[0].name
        if kind == Meeting.VenueKind.COMMUNITY_HALL:
            return Meeting.VenueKind.COMMUNITY_HALL, f"{town}公民館"
        if kind == Meeting.VenueKind.MEETING_HALL:
            return kind, f"{town}{self.rng.choice(['町内会集会所', '集会所', '地区集会所'])}"
        return Meeting.VenueKind.OTHER, f"{town}市民センター"

    def election_on(self, plan: _Council, day: datetime.date) -> ElectionPeriod | None:
        municipalities = {k.municipality for k in plan.kobans}
        for period in self.periods:
            if period.starts_on <= day <= period.ends_on and (
                period.whole_prefecture or municipalities & set(period.municipalities)
            ):
                return period
        return None

    # --- one meeting -------------------------------------------------------------------------------------------

    def meeting(self, plan: _Council, day: datetime.date, kind: str, number: int | None, **values) -> Meeting:
        held = day < self.today
        venue_kind, venue_name = self.venue(plan)
        starts = at(day)
        themes = [Theme.KOBAN_ACTIVITY, Theme.SITUATION]
        if self.rng.random() < 0.7:
            themes.append(Theme.LOCAL_PROBLEMS)
        if self.rng.random() < 0.5:
            themes.append(Theme.LOCAL_EVENTS)
        meeting = Meeting(
            council=plan.council,
            kind=kind,
            fiscal_year=fiscal_start(day).year,
            number=number,
            status=Meeting.Status.HELD if held else Meeting.Status.PLANNED,
            starts_at=starts,
            ends_at=starts + datetime.timedelta(minutes=self.rng.choice([60, 75, 90, 90, 120])),
            venue_kind=venue_kind,
            venue_name=venue_name,
            themes=themes if kind == Meeting.Kind.REGULAR else [Theme.SITUATION],
            theme_note=EVENTS[day.month] if Theme.LOCAL_EVENTS in themes else "",
            created_by_id=(plan.manager or self.chief[plan.council.station_id]).user_id,
            **values,
        )
        self.meetings.append(meeting)
        if held:
            self.attend(plan, meeting, day)
        return meeting

    def attend(self, plan: _Council, meeting: Meeting, day: datetime.date) -> None:
        rng = self.rng
        serving = [m for m in plan.memberships if m.start_date <= day <= m.last_day]
        present = [m for m in serving if m.post == Membership.Post.CHAIR or rng.random() < 0.82]
        for membership in present:
            self.attendances.append(Attendance(meeting=meeting, membership=membership))
        guest = None
        if rng.random() < 0.2 or meeting.kind == Meeting.Kind.AD_HOC:
            organisation, title, reason = rng.choice(GUESTS)
            town = rng.choice(plan.town_names)
            family, given, _fk, _gk = full_name(rng, rng.choice(["male", "female"]))
            guest = Guest(
                meeting=meeting,
                name=f"{family} {given}",
                affiliation=f"{organisation.format(town=town, city=plan.city)} {title}",
                reason=reason,
            )
            self.guests.append(guest)
        station_id = plan.council.station_id
        officers = [plan.manager] if plan.manager else []
        if rng.random() < 0.75 and (station_id, "地域課") in self.heads:
            officers.append(self.heads[(station_id, "地域課")])
        if rng.random() < 0.15:
            officers.append(self.chief[station_id])
        elif rng.random() < 0.2:
            other = self.heads.get((station_id, rng.choice(["生活安全課", "交通課"])))
            if other:
                officers.append(other)
        staff = [o for k in plan.kobans for o in self.koban_officers[k.pk] if o.role == Officer.Role.KOBAN_STAFF]
        if staff and rng.random() < 0.3:
            officers.append(rng.choice(staff))
        station = self.stations[station_id]
        for officer in dict.fromkeys(officers):
            koban = next((k for k in plan.kobans if k.pk == officer.koban_id), None)
            self.police.append(
                PoliceAttendee(
                    meeting=meeting,
                    officer=officer,
                    executive_class=executive_class(
                        officer.rank, officer.title, officer.section_id in self.community, officer.koban_id is not None
                    ),
                    post=" ".join(p for p in (station.name, koban.name if koban else "", officer.title) if p),
                )
            )
        meeting.minutes = self.minutes(plan, meeting, len(present), guest)
        count = rng.choices([0, 1, 2, 3], weights=[2, 4, 3, 2])[0]
        for order in range(1, count + 1):
            raiser = rng.choice(present) if present else None
            self.request(plan, meeting, day, order, raiser)

    def minutes(self, plan: _Council, meeting: Meeting, present: int, guest: Guest | None) -> str:
        rng = self.rng
        day = meeting.starts_at.date()
        crime = rng.sample(CRIMES, k=2)
        lines = [f"出席委員{present}名。"]
        speaker = plan.manager.title if plan.manager else "交番所長"
        if meeting.kind == Meeting.Kind.AD_HOC:
            lines.append(f"{speaker}から発生状況と手口を説明し、委員と対策を協議した。")
            lines.append(f"合意した対策: {meeting.measures_note}")
        else:
            lines.append(
                f"{speaker}から、最近の管内の刑法犯の発生状況（認知件数{rng.randint(8, 60)}件、前年同期比"
                f"{rng.randint(1, 9)}件{rng.choice(['増', '減'])}）を説明し、{crime[0]}と{crime[1]}が目立つことを"
                "伝えた。"
            )
            lines.append(f"交通事故は{rng.randint(2, 30)}件発生し、うち高齢者が関係するものが{rng.randint(0, 6)}件。")
            if Theme.LOCAL_EVENTS in meeting.themes:
                lines.append(f"{EVENTS[day.month]}について、委員と交番の役割分担を確認した。")
        if guest:
            lines.append(f"{guest.affiliation}の{guest.name}氏が、{guest.reason}参加した。")
        lines.append("委員からの意見・要望は別記のとおり。")
        return "\n".join(lines)

    def request(
        self,
        plan: _Council,
        meeting: Meeting | None,
        day: datetime.date,
        order: int,
        raiser: Membership | None,
        template=None,
        final: str | None = None,
    ) -> Case:
        rng = self.rng
        category, content, answer, section, done, difficult = template or rng.choice(REQUESTS)
        story = case_story(rng, day, self.today)
        if final:
            story = self.forced(day, final)
        if story.status == Status.DIFFICULT and not difficult:
            story.status = Status.DONE
            story.steps[-1] = (story.steps[-1][0], Status.DONE)
        station_id = plan.council.station_id
        user_id = (plan.manager or self.chief[station_id]).user_id
        town = rng.choice(plan.town_names)
        case = Case(
            station_id=station_id,
            koban=plan.kobans[0] if plan.kobans else None,
            received_on=day,
            category=category,
            content=content.format(town=town),
            raised_by_kind=Case.RaisedBy.MEMBER if raiser else Case.RaisedBy.RESIDENT,
            raised_by_person_id=raiser.person_id if raiser else None,
            raised_by_name="" if raiser else rng.choice(["近隣の住民", "町内会の役員", "商店の経営者"]),
            answer=answer if meeting else "",
            section=self.sections.get((station_id, section)),
            status=story.status,
            settled_on=story.settled_on,
            told_on=story.told_on,
            created_by_id=user_id,
        )
        self.cases.append(case)
        notes = {
            Status.RECEIVED: "会議で受付。" if meeting else "巡回連絡の際に受付。",
            Status.CONSIDERING: f"{section}に連絡し、対応を検討中。",
            Status.DONE: done,
            Status.DIFFICULT: difficult,
            Status.LONG_TERM: "継続的な対応が必要なため、長期対応とした。",
        }
        for on, status in story.steps:
            self.updates.append(
                CaseUpdate(
                    case=case, on=on, status=status, note=notes[status], officer=plan.manager, created_by_id=user_id
                )
            )
        if meeting:
            self.links.append(MeetingCase(meeting=meeting, case=case, order=order))
        return case

    def forced(self, day: datetime.date, final: str) -> CaseStory:
        """A story ending in ``final`` (for the cases the activity and the findings must have)."""
        considering = day + 7 * DAY
        story = CaseStory(final, [(day, Status.RECEIVED), (considering, Status.CONSIDERING)])
        if final == Status.LONG_TERM:
            story.steps.append((considering + 21 * DAY, final))
        return story

    # --- a council's two years ---------------------------------------------------------------------------------

    def council_years(self, plan: _Council, demo: bool) -> None:
        rng = self.rng
        council = plan.council
        for year_start in (self.last_year, self.this_year):
            count = 3 if demo else rng.choices(list(REGULAR_COUNTS), weights=list(REGULAR_COUNTS.values()))[0]
            days = regular_days(rng, year_start, count)
            if year_start == self.this_year and council.name == NO_REGULAR_MEETING_THIS_YEAR:
                days = []
            if council.name == ELECTION_OVERRIDE_COUNCIL and year_start <= UPPER_HOUSE[1] < year_start.replace(
                year=year_start.year + 1
            ):
                days[0] = UPPER_HOUSE[1] + 7 * DAY
            number = 0
            for day in days:
                if day < council.established_on:
                    continue
                if day > self.today + PLANNED_AHEAD_DAYS * DAY:
                    break
                values = {}
                period = self.election_on(plan, day)
                if period and council.name == ELECTION_OVERRIDE_COUNCIL and day < self.today:
                    values = {"election_period": period, "election_override_reason": OVERRIDE_REASON}
                elif period:
                    day = period.ends_on + 3 * DAY
                number += 1
                meeting = self.meeting(plan, day, Meeting.Kind.REGULAR, number, **values)
                if demo:
                    self.demo_meetings.append(meeting)
            # A council set up this year holds its first meeting within weeks.
            if not number and year_start <= council.established_on < self.today - 30 * DAY and days:
                self.meeting(plan, council.established_on + 21 * DAY, Meeting.Kind.REGULAR, 1)
            if demo and year_start == self.this_year or (not demo and rng.random() < AD_HOC_SHARE):
                self.ad_hoc(plan, year_start)

    def ad_hoc(self, plan: _Council, year_start: datetime.date) -> None:
        rng = self.rng
        last = min(year_start.replace(year=year_start.year + 1) - DAY, self.today - 10 * DAY)
        if last <= year_start + 30 * DAY:
            return
        day = year_start + rng.randint(30, (last - year_start).days) * DAY
        if day < plan.council.established_on or self.election_on(plan, day):
            return
        label, trigger, measures, note = rng.choice(AD_HOC_TRIGGERS)
        self.meeting(
            plan,
            day,
            Meeting.Kind.AD_HOC,
            None,
            trigger=trigger.format(town=rng.choice(plan.town_names), n=rng.randint(3, 7)),
            measures=list(measures),
            measures_note=note,
            remarks=f"{label}を受けた臨時会議",
        )

    # --- the rest ----------------------------------------------------------------------------------------------

    def election_periods(self) -> None:
        name, starts, ends = UPPER_HOUSE
        self.periods.append(
            ElectionPeriod(
                name=name, whole_prefecture=True, starts_on=starts, ends_on=ends, created_by_id=self.hq_admin.user_id
            )
        )
        # A Sendai city election a few weeks ahead: meetings of the city's councils are planned around it.
        starts = self.today + 24 * DAY
        self.periods.append(
            ElectionPeriod(
                name=f"仙台市議会議員一般選挙（{starts.year}年）",
                municipalities=SENDAI_WARDS,
                starts_on=starts,
                ends_on=starts + 8 * DAY,
                created_by_id=self.hq_admin.user_id,
            )
        )
        ElectionPeriod.objects.bulk_create(self.periods)

    def activity(self, plan: _Council) -> None:
        """The demo koban's problem-solving activity: bicycle theft around the station, raised at last year's first
        meeting; one interim report given at a meeting, the next one overdue."""
        held = sorted((m for m in self.demo_meetings if m.status == Meeting.Status.HELD), key=lambda m: m.starts_at)
        if len(held) < 2:
            return
        first, later = held[0], held[1]
        template = next(r for r in REQUESTS if r[1].startswith("{town}で自転車盗"))
        attended = first.attendances.select_related("membership").first()
        day = first.starts_at.date()
        cases = [
            self.request(
                plan,
                first,
                day,
                first.case_links.count() + 1,
                attended.membership if attended else None,
                template=template,
                final=Status.LONG_TERM,
            ),
            self.request(
                plan,
                later,
                later.starts_at.date(),
                later.case_links.count() + 1,
                None,
                template=template,
                final=Status.CONSIDERING,
            ),
        ]
        self.write()
        activity = Activity.objects.create(
            council=plan.council,
            title="一番町・国分町周辺の自転車盗防止",
            plan="駐輪場での防犯診断とツーロックの呼び掛けを委員と合同で月1回行い、盗難の多い時間帯に交番の"
            "パトロールを重点化する。半年ごとに件数の推移を協議会に中間連絡する。",
            started_on=day + 14 * DAY,
            created_by_id=plan.manager.user_id,
        )
        activity.cases.set(cases)
        InterimReport.objects.bulk_create(
            [
                InterimReport(
                    activity=activity,
                    due_on=later.starts_at.date() - 3 * DAY,
                    reported_on=later.starts_at.date(),
                    meeting=later,
                    note="合同の防犯診断を4回実施。駐輪場での自転車盗は前年同期比で3割減少した。",
                ),
                InterimReport(activity=activity, due_on=self.today - 12 * DAY),
            ]
        )

    def member_records(self, plan: _Council) -> None:
        rng = self.rng
        current = [m for m in plan.memberships if m.start_date <= self.today <= m.last_day]
        if not current or not plan.manager:
            return
        user_id = plan.manager.user_id
        recent = max((m for m in self.demo_meetings if m.status == Meeting.Status.HELD), key=lambda m: m.starts_at)
        MemberInformation.objects.bulk_create(
            [
                MemberInformation(
                    council=plan.council,
                    person_id=current[1].person_id,
                    received_on=recent.starts_at.date(),
                    meeting=recent,
                    content=INFO[0],
                    reported_on=recent.starts_at.date() + 2 * DAY,
                    reported_by_id=user_id,
                    created_by_id=user_id,
                ),
                MemberInformation(
                    council=plan.council,
                    person_id=current[2].person_id,
                    received_on=self.today - 6 * DAY,
                    content=INFO[1],
                    created_by_id=user_id,
                ),
            ]
        )
        MemberContact.objects.bulk_create(
            [
                MemberContact(
                    council=plan.council,
                    person_id=rng.choice(current).person_id,
                    on=self.today - rng.randint(3, 120) * DAY,
                    kind=rng.choice([MemberContact.Kind.VISIT, MemberContact.Kind.PHONE]),
                    officer=plan.manager,
                    note=note,
                    created_by_id=user_id,
                )
                for note in CONTACT_NOTES
            ]
        )

    def write(self) -> None:
        """Write what is pending, parents first (bulk_create gives the parents' ids to the children)."""
        Meeting.objects.bulk_create(self.meetings)
        Attendance.objects.bulk_create(self.attendances)
        Guest.objects.bulk_create(self.guests)
        PoliceAttendee.objects.bulk_create(self.police)
        Case.objects.bulk_create(self.cases)
        CaseUpdate.objects.bulk_create(self.updates)
        MeetingCase.objects.bulk_create(self.links)
        for pending in (self.meetings, self.attendances, self.guests, self.police, self.cases, self.updates):
            pending.clear()
        self.links.clear()


def build(*, rng: random.Random, fake: Faker, org: dict) -> None:
    """Create the demo meetings, cases, activity, election periods and member records (see the module docstring)."""
    builder = _Builder(rng, fake, org)
    builder.election_periods()
    councils = list(
        Council.objects.filter(status=Council.Status.ACTIVE)
        .select_related("operation_manager")
        .prefetch_related("kobans")
        .order_by("pk")
    )
    memberships = defaultdict(list)
    for membership in Membership.objects.filter(council__in=councils).order_by("pk"):
        memberships[membership.council_id].append(membership)
    demo_koban = org["demo"]["demo_koban_chief"].koban_id
    demo_plan = None
    for council in councils:
        plan = builder.plan(council, memberships[council.pk])
        demo = any(k.pk == demo_koban for k in plan.kobans) and council.kind == Council.Kind.JURISDICTION
        builder.council_years(plan, demo)
        if demo:
            demo_plan = plan
    # A few requests reached the kobans outside meetings (during 巡回連絡 and at the counter).
    for plan in rng.sample([builder.plan(c, []) for c in councils], k=min(5, len(councils))):
        builder.request(plan, None, builder.today - rng.randint(5, 200) * DAY, 0, None)
    builder.write()
    if demo_plan:
        builder.activity(demo_plan)
        builder.member_records(demo_plan)
        builder.write()
    # The demo wrote rows, not actions: have every source of stored findings refreshed when the demo's block ends.
    for source in registered():
        refresh(source.name, source.objects().values_list("pk", flat=True))
