"""Demo councils (C3–C6) for ``manage.py load_demo``: councils, members and their terms, through the actions.

``build(*, rng, fake, org)`` is the extension contract of ``liaison.demo.management.commands.load_demo``. It creates

* a 所管区 council (「○○交番連絡協議会」) for most 交番・駐在所; the kobans in ``WITHOUT_COUNCIL`` are left without one
  so the C3.1 list has content;
* 単位連絡協議会 covering several 駐在所 (C4), one of them the result of a merger (C4.3 review with its history);
* 職種等連絡協議会 (C5): 国分町 nightlife, foreign residents and employers, a women's council;
* 6–13 members per council (mostly 9–11) recorded as people of the station, with a chair, vice-chairs and other
  posts, community leaders (ア–エ) for about half of the members (fewer in a few councils), several consecutive terms
  for some (C6.4(2)), resignations and deaths with successors (C6.2(1)) and two members dismissed after taking up or
  standing for public office (C6.4(1));
* operation managers confirmed by the station chief for most councils (C3.2(3)).

Everything random comes from ``rng`` and ``fake``. The dates are the exception: terms only make sense relative to the
day the demo is loaded (the renewal workbench and the "term ending" findings need terms ending within the next 90
days, long-tenure findings need terms reaching back six years or more), so term dates and ages are computed from
``today_tokyo()`` on the load day. With the same seed on the same day the data are the same.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from faker import Faker

from liaison.councils import actions, queries
from liaison.councils.models import Council, CouncilReview, Membership
from liaison.councils.rules import add_years
from liaison.demo.builders import MIYAGI_SURNAMES, STATIONS
from liaison.lib.dates import today_tokyo
from liaison.org.models import Koban, Officer, Station
from liaison.people.actions import person_create, public_office_record
from liaison.people.models import Person, PublicOfficeRecord

Post = Membership.Post
Leader = Membership.LeaderCategory
Kind = Council.Kind
Coverage = Council.Coverage
Occupational = Council.OccupationalKind

DAY = datetime.timedelta(days=1)

# Kobans whose jurisdiction has no council (C3.1 list). 川内交番 is 青葉's, so the demo station chief sees the list.
WITHOUT_COUNCIL = ["川内交番", "高砂交番", "六丁の目交番", "富沢交番", "八乙女交番", "七ヶ浜駐在所", "北上駐在所"]

# 単位連絡協議会 covering several 駐在所: (station, name, kobans, area, reason).
UNIT_COUNCILS = [
    (
        "青葉警察署",
        "作並・大倉地区連絡協議会",
        ["作並駐在所", "大倉駐在所"],
        "作並、新川、大倉、芋沢の一部（青葉区西部の山間地域）",
        "両駐在所の所管区は広瀬川上流の山間地域で、生活圏・行事が共通していることから、統合して設置する。",
    ),
    (
        "登米警察署",
        "東和・津山地区連絡協議会",
        ["東和駐在所", "津山駐在所"],
        "東和町米谷、東和町錦織、津山町柳津、津山町横山",
        "北上川沿いの農村地域で、自治組織・防犯協会支部が両地区共通であることから、統合して設置する。",
    ),
]

# The merger (C4.3): two 駐在所 councils of one station become one 単位連絡協議会.
MERGER = (
    "栗原警察署",
    ["栗駒駐在所", "一迫駐在所"],
    "栗駒・一迫地区連絡協議会",
    "栗駒岩ケ崎、栗駒文字、一迫真坂、一迫川口",
)

# 職種等連絡協議会: (station, name, occupational kind, kobans, area, reason, profile).
OCCUPATIONAL_COUNCILS = [
    (
        "青葉警察署",
        "国分町地区繁華街防犯連絡協議会",
        Occupational.NIGHTLIFE,
        ["国分町交番", "一番町交番"],
        "国分町一丁目〜三丁目、一番町四丁目、虎屋横丁周辺の繁華街",
        "東北最大の歓楽街である国分町地区の飲食店経営者・雑居ビル管理者等の意見を聴き、客引き・ぼったくり・"
        "飲酒絡みのトラブルの防止を図るため。",
        "nightlife",
    ),
    (
        "石巻警察署",
        "渡波地区外国人雇用事業所連絡協議会",
        Occupational.FOREIGN,
        ["渡波交番"],
        "渡波、万石町、流留（水産加工団地周辺）",
        "水産加工業で働く外国人技能実習生等が増えていることから、雇用主・外国人住民の意見を聴き、犯罪被害の防止と"
        "生活上のトラブルの解消を図るため。",
        "foreign",
    ),
    (
        "泉警察署",
        "泉中央地区女性の会連絡協議会",
        Occupational.WOMEN,
        ["泉中央交番"],
        "泉中央一丁目〜四丁目、七北田",
        "子育て世代の多い地区で、女性の視点からの意見・要望（通学路の安全、ストーカー・DV被害の相談等）を警察活動に"
        "反映させるため。",
        "women",
    ),
]

# Real postal codes (Japan Post KEN_ALL) of towns in each koban's jurisdiction: koban → (city, [(code, town)]).
PLACES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "一番町交番": ("仙台市青葉区", [("980-0811", "一番町"), ("980-0803", "国分町")]),
    "仙台駅西口交番": ("仙台市青葉区", [("980-0021", "中央"), ("980-0013", "花京院")]),
    "国分町交番": ("仙台市青葉区", [("980-0803", "国分町"), ("980-0822", "立町")]),
    "北山交番": ("仙台市青葉区", [("981-0931", "北山"), ("981-0914", "堤通雨宮町")]),
    "川内交番": ("仙台市青葉区", [("980-0862", "川内"), ("980-0813", "米ケ袋"), ("980-0812", "片平")]),
    "作並駐在所": ("仙台市青葉区", [("989-3431", "作並"), ("989-3434", "新川")]),
    "大倉駐在所": ("仙台市青葉区", [("989-3213", "大倉"), ("989-3212", "芋沢")]),
    "仙台駅東口交番": ("仙台市宮城野区", [("983-0852", "榴岡"), ("983-0864", "名掛丁")]),
    "榴岡交番": ("仙台市宮城野区", [("983-0852", "榴岡"), ("983-0045", "宮城野")]),
    "原町交番": ("仙台市宮城野区", [("983-0841", "原町"), ("983-0833", "東仙台")]),
    "鶴ケ谷交番": ("仙台市宮城野区", [("983-0824", "鶴ケ谷"), ("983-0826", "鶴ケ谷東")]),
    "高砂交番": ("仙台市宮城野区", [("983-0005", "福室"), ("983-0014", "高砂"), ("983-0013", "中野")]),
    "岩切駐在所": ("仙台市宮城野区", [("983-0821", "岩切"), ("983-0823", "燕沢")]),
    "荒町交番": ("仙台市若林区", [("984-0073", "荒町"), ("984-0061", "南鍛冶町"), ("984-0052", "連坊")]),
    "卸町交番": ("仙台市若林区", [("984-0015", "卸町"), ("984-0042", "大和町")]),
    "六丁の目交番": ("仙台市若林区", [("984-0012", "六丁の目中町"), ("984-0013", "六丁の目南町")]),
    "遠見塚交番": ("仙台市若林区", [("984-0823", "遠見塚"), ("984-0825", "古城")]),
    "荒浜駐在所": ("仙台市若林区", [("984-0033", "荒浜"), ("984-0842", "井土"), ("984-0843", "藤塚")]),
    "長町交番": ("仙台市太白区", [("982-0011", "長町"), ("982-0012", "長町南")]),
    "富沢交番": ("仙台市太白区", [("982-0032", "富沢"), ("982-0014", "大野田")]),
    "八木山交番": ("仙台市太白区", [("982-0801", "八木山本町"), ("982-0807", "八木山南")]),
    "西多賀交番": ("仙台市太白区", [("982-0034", "西多賀"), ("982-0804", "鈎取"), ("982-0033", "富田")]),
    "秋保駐在所": ("仙台市太白区", [("982-0241", "秋保町湯元"), ("982-0243", "秋保町長袋")]),
    "坪沼駐在所": ("仙台市太白区", [("982-0231", "坪沼"), ("982-0251", "茂庭")]),
    "泉中央交番": ("仙台市泉区", [("981-3133", "泉中央"), ("981-3131", "七北田")]),
    "将監交番": ("仙台市泉区", [("981-3132", "将監"), ("981-3213", "南中山")]),
    "南光台交番": ("仙台市泉区", [("981-8003", "南光台"), ("981-8004", "旭丘堤")]),
    "八乙女交番": ("仙台市泉区", [("981-3135", "八乙女中央"), ("981-3121", "上谷刈")]),
    "根白石駐在所": ("仙台市泉区", [("981-3221", "根白石"), ("981-3225", "福岡"), ("981-3226", "朴沢")]),
    "本町交番": ("塩竈市", [("985-0052", "本町"), ("985-0002", "海岸通"), ("985-0016", "港町")]),
    "多賀城駅前交番": ("多賀城市", [("985-0873", "中央"), ("985-0842", "桜木")]),
    "利府交番": ("宮城郡利府町", [("981-0112", "利府"), ("981-0131", "青山")]),
    "松島駐在所": ("宮城郡松島町", [("981-0213", "松島"), ("981-0215", "高城")]),
    "七ヶ浜駐在所": ("宮城郡七ヶ浜町", [("985-0821", "汐見台"), ("985-0802", "吉田浜")]),
    "石巻駅前交番": ("石巻市", [("986-0826", "鋳銭場"), ("986-0825", "穀町"), ("986-0824", "立町")]),
    "蛇田交番": ("石巻市", [("986-0861", "蛇田"), ("986-0868", "恵み野"), ("986-0863", "向陽町")]),
    "渡波交番": ("石巻市", [("986-2135", "渡波"), ("986-2115", "万石町"), ("986-2103", "流留")]),
    "女川駐在所": ("牡鹿郡女川町", [("986-2261", "女川浜"), ("986-2243", "鷲神浜")]),
    "牡鹿駐在所": ("石巻市", [("986-2523", "鮎川浜"), ("986-2415", "小渕浜")]),
    "北上駐在所": ("石巻市", [("986-0201", "北上町十三浜"), ("986-0204", "北上町女川")]),
    "古川駅前交番": ("大崎市", [("989-6162", "古川駅前大通"), ("989-6165", "古川十日町")]),
    "古川中央交番": ("大崎市", [("989-6153", "古川七日町"), ("989-6171", "古川北町"), ("989-6102", "古川江合本町")]),
    "岩出山駐在所": ("大崎市", [("989-6401", "岩出山"), ("989-6405", "岩出山池月")]),
    "鳴子駐在所": ("大崎市", [("989-6711", "鳴子温泉赤這"), ("989-6941", "鳴子温泉鬼首")]),
    "中新田駐在所": ("加美郡加美町", [("981-4252", "西田")]),
    "佐沼交番": ("登米市", [("987-0511", "迫町佐沼"), ("987-0513", "迫町北方")]),
    "登米駐在所": ("登米市", [("987-0702", "登米町寺池"), ("987-0703", "登米町日根牛")]),
    "東和駐在所": ("登米市", [("987-0902", "東和町米谷"), ("987-0903", "東和町錦織")]),
    "津山駐在所": ("登米市", [("986-0401", "津山町柳津"), ("986-0402", "津山町横山")]),
    "築館交番": ("栗原市", [("987-2216", "築館伊豆"), ("987-2252", "築館薬師")]),
    "若柳駐在所": ("栗原市", [("989-5501", "若柳川北")]),
    "栗駒駐在所": ("栗原市", [("989-5301", "栗駒岩ケ崎"), ("989-5361", "栗駒文字")]),
    "一迫駐在所": ("栗原市", [("987-2308", "一迫真坂"), ("987-2303", "一迫川口")]),
    "気仙沼駅前交番": ("気仙沼市", [("988-0077", "古町"), ("988-0053", "田中前"), ("988-0037", "魚市場前")]),
    "唐桑駐在所": ("気仙沼市", [("988-0534", "唐桑町宿浦"), ("988-0571", "唐桑町鮪立")]),
    "本吉駐在所": ("気仙沼市", [("988-0305", "本吉町津谷長根")]),
    "志津川駐在所": ("本吉郡南三陸町", [("986-0701", "志津川西田"), ("986-0782", "入谷")]),
    "白石駅前交番": ("白石市", [("989-0277", "沢端町"), ("989-0229", "銚子ケ森"), ("989-0276", "大手町")]),
    "蔵王駐在所": ("刈田郡蔵王町", [("989-0821", "円田"), ("989-0916", "遠刈田温泉")]),
    "七ヶ宿駐在所": ("刈田郡七ヶ宿町", [("989-0512", "関"), ("989-0653", "湯原")]),
}

# Landline area codes by city (Sendai and its neighbours 022, then the regional codes).
AREA_CODES = [
    ("仙台市", "022"),
    ("塩竈市", "022"),
    ("多賀城市", "022"),
    ("宮城郡", "022"),
    ("石巻市", "0225"),
    ("牡鹿郡", "0225"),
    ("大崎市", "0229"),
    ("加美郡", "0229"),
    ("登米市", "0220"),
    ("栗原市", "0228"),
    ("気仙沼市", "0226"),
    ("本吉郡", "0226"),
    ("白石市", "0224"),
    ("刈田郡", "0224"),
]

# (family, given, family reading, given reading, gender): residents from abroad, written as they register them.
FOREIGN_RESIDENTS = [
    ("グエン", "ヴァン・フン", "グエン", "ヴァン・フン", "male"),
    ("チャン", "ティ・ラン", "チャン", "ティ・ラン", "female"),
    ("レ", "ミン・トゥアン", "レ", "ミン・トゥアン", "male"),
    ("サントス", "マリア・クリスティーナ", "サントス", "マリア・クリスティーナ", "female"),
    ("王", "麗華", "オウ", "レイカ", "female"),
    ("ヌグロホ", "アディ", "ヌグロホ", "アディ", "male"),
]

TEMPLES = ["龍雲寺", "光明寺", "常福寺", "長徳寺", "満福寺", "洞雲寺", "大林寺", "東昌寺"]
COMPANY_SUFFIXES = ["建設", "商事", "運輸", "電気工事", "不動産", "設備", "食品", "印刷"]
RESIGN_NOTES = ["転居のため", "一身上の都合により", "健康上の理由により", "勤務先の異動のため", "家業多忙のため"]
OTHER_POSTS = ["会計", "書記", "監事"]
AZA = ["町", "上野", "中野", "北原", "西原", "宮前", "新田", "下川原", "館前", "沢田"]


def _fiscal_year_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year if (day.month, day.day) >= (4, 1) else day.year - 1, 4, 1)


def _first_of_next_month(day: datetime.date) -> datetime.date:
    return datetime.date(day.year + (day.month == 12), day.month % 12 + 1, 1)


@dataclass
class _Place:
    city: str
    towns: list[tuple[str, str]]
    rural: bool
    station_stem: str  # 青葉, 石巻 …

    @property
    def area_code(self) -> str:
        return next((code for prefix, code in AREA_CODES if self.city.startswith(prefix)), "022")

    @property
    def local_body(self) -> str:
        """The city hall or town office: 仙台市青葉区役所, 石巻市役所, 利府町役場."""
        if self.city.endswith("町"):
            return f"{self.city.split('郡')[-1]}役場"
        return f"{self.city}役所"


@dataclass
class _Seat:
    """One place on the council now, and how the person holding it got there."""

    post: str = Post.MEMBER
    post_title: str = ""
    leader: str = ""
    terms: int = 1  # consecutive terms up to and including the current one
    event: str = ""  # "resigned" / "death" / "public_office" in the current term, "earlier" for one in the previous
    gender: str = ""
    foreign: bool = False


@dataclass
class _Plan:
    station: Station
    kobans: list[Koban]
    values: dict
    profile: str = "jurisdiction"  # or nightlife / foreign / women
    size: int = 10
    leader_share: float = 0.5
    cycle: str = "odd"  # current term started this fiscal year (even), last one (odd) or ends soon (soon)
    history: int = 3  # past terms the council has had (at most three are created)
    older: int = 0  # terms the council existed before those
    confirm: bool = True
    long_chair: bool = False
    public_office: str = ""
    events: list[str] = field(default_factory=list)


class _Builder:
    def __init__(self, rng: random.Random, fake: Faker, org: dict):
        self.rng = rng
        self.fake = fake
        self.org = org
        self.today = today_tokyo()
        self.term_years = org["prefecture"].term_years
        self.used_names: set[tuple[str, str]] = set()
        self.urban = {spec.name: spec.urban for spec in STATIONS}
        self.chiefs: dict[int, Officer] = {}
        self.clerks: dict[int, Officer] = {}
        for officer in org["officers"]:
            if officer.station_id is None:
                continue
            if officer.role == Officer.Role.STATION_CHIEF:
                self.chiefs.setdefault(officer.station_id, officer)
            elif officer.role == Officer.Role.COMMUNITY_SECTION and officer.title == "地域課長":
                self.clerks.setdefault(officer.station_id, officer)
        self.foreign_left = list(FOREIGN_RESIDENTS)

    # --- who acts -------------------------------------------------------------------------------------------------

    def chief(self, station: Station):
        return self.chiefs[station.pk].user

    def clerk(self, station: Station):
        """The 地域課長, who records members for the station chief."""
        officer = self.clerks.get(station.pk) or self.chiefs[station.pk]
        return officer.user

    # --- dates ----------------------------------------------------------------------------------------------------

    def term_start(self, cycle: str) -> datetime.date:
        fiscal = _fiscal_year_start(self.today)
        if cycle == "even":
            return fiscal
        if cycle == "odd":
            return add_years(fiscal, -1)
        # "soon": a council set up mid-year whose current term ends within the next two months.
        return add_years(_first_of_next_month(self.today + 19 * DAY), -self.term_years)

    def back(self, start: datetime.date, terms: int) -> datetime.date:
        return add_years(start, -self.term_years * terms)

    def event_days(self, start: datetime.date, end: datetime.date) -> tuple[datetime.date, datetime.date] | None:
        """A day in [start, end] for a member to leave and a later one for the successor; None if it is too short."""
        limit = min(end, self.today)
        span = (limit - start).days
        if span < 120:
            return None
        left = start + datetime.timedelta(days=60 + int(self.rng.random() * (span - 120)))
        return left, left + datetime.timedelta(days=15 + self.rng.randint(0, 30))

    # --- people ---------------------------------------------------------------------------------------------------

    def place(self, station: Station, koban: Koban) -> _Place:
        city, towns = PLACES.get(koban.name, (koban.municipality, []))
        rural = koban.kind == Koban.Kind.CHUZAISHO or not self.urban.get(station.name, True)
        return _Place(city, towns or [("", koban.jurisdiction_name.removesuffix("地区"))], rural, _stem(station))

    def name(self, gender: str) -> tuple[str, str, str, str]:
        for _attempt in range(30):
            if self.rng.random() < 0.3:
                family, family_kana = self.rng.choice(MIYAGI_SURNAMES)
            else:
                family, family_kana, _roman = self.fake.last_name_pair()
            if gender == "female":
                given, given_kana, _roman = self.fake.first_name_female_pair()
            else:
                given, given_kana, _roman = self.fake.first_name_male_pair()
            if (family, given) not in self.used_names:
                break
        self.used_names.add((family, given))
        return family, given, family_kana, given_kana

    def phone(self, place: _Place) -> str:
        if self.rng.random() < 0.65:
            return f"{self.rng.choice(['090', '080', '070'])}{self.rng.randint(10000000, 99999999)}"
        code = place.area_code
        return code + str(self.rng.randint(10 ** (9 - len(code)), 10 ** (10 - len(code)) - 1))

    def address_rest(self, place: _Place) -> str:
        if place.rural:
            rest = f"字{self.rng.choice(AZA)}{self.rng.randint(1, 250)}番地"
            return rest if self.rng.random() < 0.5 else f"{self.rng.randint(1, 400)}番地"
        rest = f"{self.rng.randint(1, 4)}丁目{self.rng.randint(1, 30)}番{self.rng.randint(1, 25)}号"
        if self.rng.random() < 0.2:
            rest += f" {self.fake.last_name()}マンション{self.rng.randint(1, 9)}0{self.rng.randint(1, 8)}"
        return rest

    def person(
        self,
        station: Station,
        place: _Place,
        profile: str,
        leader: str,
        *,
        gender: str = "",
        foreign: bool = False,
        min_age: int = 30,
    ) -> Person:
        rng = self.rng
        if foreign and self.foreign_left:
            family, given, family_kana, given_kana, gender = self.foreign_left.pop(0)
            age = rng.randint(24, 45)
            occupation, organisation, title = rng.choice(
                [
                    ("会社員", f"{place.towns[0][1]}水産加工協同組合", "技能実習生"),
                    ("会社員", f"{self.fake.last_name()}水産株式会社", "特定技能"),
                    ("自営業", "", ""),
                ]
            )
        else:
            gender = gender or ("female" if rng.random() < 0.3 else "male")
            family, given, family_kana, given_kana = self.name(gender)
            age = max(min_age, min(80, round(rng.triangular(30, 82, 67))))
            occupation, organisation, title = _persona(rng, self.fake, place, profile, leader, gender)
            age, occupation, organisation, title = _fit_age(age, occupation, organisation, title, gender)
        code, town = rng.choice(place.towns)
        birth = datetime.date(self.today.year - age - 1, 1, 1) + datetime.timedelta(days=rng.randint(0, 364))
        data = {
            "family_name": family,
            "given_name": given,
            "family_kana": family_kana,
            "given_kana": given_kana,
            "birth_date": birth,
            "gender": gender,
            "occupation": occupation,
            "organisation": organisation,
            "organisation_title": title,
            "postal_code": code,
            "address_prefecture": "宮城県",
            "address_city": place.city,
            "address_town": town,
            "address_rest": self.address_rest(place),
            "phone": self.phone(place),
            "email": self.fake.free_email() if rng.random() < 0.25 else "",
        }
        return person_create(data=data, station=station, acting_user=self.clerk(station))

    # --- councils -------------------------------------------------------------------------------------------------

    def council(self, plan: _Plan, start: datetime.date) -> Council:
        values = dict(plan.values)
        values.setdefault("established_on", self.back(start, plan.history + plan.older))
        council = actions.council_create(
            station=plan.station, values=values, kobans=plan.kobans, acting_user=self.chief(plan.station)
        )
        if plan.confirm:
            self.confirm(council)
        return council

    def confirm(self, council: Council) -> None:
        officer = queries.proposed_operation_manager(council)
        if officer is not None:
            actions.operation_manager_confirm(council=council, officer=officer, acting_user=self.chief(council.station))

    def seats(self, plan: _Plan) -> list[_Seat]:
        rng = self.rng
        n = plan.size
        seats = [_Seat(post=Post.CHAIR)]
        seats += [_Seat(post=Post.VICE_CHAIR) for _ in range(2 if n >= 10 and rng.random() < 0.5 else 1)]
        for title in rng.sample(OTHER_POSTS, k=min(rng.choice([0, 1, 1, 2]), max(n - len(seats) - 2, 0))):
            seats.append(_Seat(post=Post.OTHER, post_title=title))
        seats += [_Seat() for _ in range(n - len(seats))]
        # Community leaders (C3.2(2)イ): the chair is usually one; the rest are spread over the other seats.
        leaders = round(n * plan.leader_share)
        order = [0] + rng.sample(range(1, n), k=n - 1) if rng.random() < 0.85 else rng.sample(range(n), k=n)
        categories = [Leader.NEIGHBOURHOOD, Leader.PUBLIC_AGENCY, Leader.SAFETY_ASSOCIATION, Leader.VOLUNTEER]
        for i in order[:leaders]:
            seats[i].leader = rng.choices(categories, weights=[4, 2, 3, 3])[0]
        for seat in seats:
            if seat.post == Post.CHAIR:
                seat.terms = 4 if plan.long_chair else rng.choices([1, 2, 3, 4], weights=[3, 3, 3, 1])[0]
            else:
                seat.terms = rng.choices([1, 2, 3, 4], weights=[52, 30, 16, 2])[0]
            seat.terms = min(seat.terms, plan.history + 1)
            if plan.profile == "women":
                seat.gender = "female"
            elif plan.profile == "nightlife":
                seat.gender = "female" if rng.random() < 0.2 else "male"
        if plan.profile == "foreign":
            for seat in rng.sample(seats[2:], k=min(4, n - 2)):
                seat.foreign, seat.leader, seat.terms = True, "", 1
        others = [s for s in seats if s.post != Post.CHAIR and not s.foreign]
        for event in plan.events + ([plan.public_office] if plan.public_office else []):
            free = [s for s in others if not s.event]
            if free:
                rng.choice(free).event = event
        return seats

    def fill(self, plan: _Plan, council: Council, start: datetime.date) -> None:
        """Appoint the plan's members for the current term starting ``start``, with their earlier terms."""
        station, rng = plan.station, self.rng
        place = self.place(station, plan.kobans[0])
        clerk = self.clerk(station)
        end = add_years(start, self.term_years) - DAY
        previous_start = self.back(start, 1)
        seats = self.seats(plan)

        def new_person(seat: _Seat, min_age: int = 30) -> Person:
            return self.person(
                station, place, plan.profile, seat.leader, gender=seat.gender, foreign=seat.foreign, min_age=min_age
            )

        def appoint(person: Person, seat: _Seat, first: datetime.date, terms: int) -> Membership:
            membership = actions.membership_appoint(
                council=council,
                person=person,
                start_date=first,
                post=seat.post,
                post_title=seat.post_title,
                leader_category=seat.leader,
                acting_user=clerk,
            )
            for _ in range(terms - 1):
                membership = actions.membership_reappoint(membership=membership, acting_user=clerk)
            return membership

        def successor(predecessor: Membership, seat: _Seat, day: datetime.date) -> Membership:
            leader = seat.leader if rng.random() < 0.6 else ""
            person = self.person(station, place, plan.profile, leader, gender=seat.gender)
            return actions.membership_appoint_successor(
                predecessor=predecessor, person=person, start_date=day, leader_category=leader, acting_user=clerk
            )

        # Former members who retired when the previous term ran out; one was the chair if the chair is new.
        if plan.history >= 1:
            formers = [_Seat(leader=rng.choice(["", "", Leader.NEIGHBOURHOOD, Leader.SAFETY_ASSOCIATION]))]
            formers += [_Seat(leader=rng.choice(["", Leader.VOLUNTEER])) for _ in range(rng.randint(0, 2))]
            if seats[0].terms == 1:
                formers[0].post, formers[0].leader = Post.CHAIR, Leader.NEIGHBOURHOOD
            for seat in formers:
                seat.gender = seats[-1].gender
                terms = rng.randint(1, min(2, plan.history))
                appoint(new_person(seat, min_age=60), seat, self.back(start, terms), terms)

        for seat in seats:
            first = self.back(start, seat.terms - 1)
            event = seat.event
            days = self.event_days(start, end) if event in ("resigned", "death", "public_office") else None
            if event and days is None:
                # The current term has only just begun: the vacancy was in the previous one, if there was one.
                event = "earlier" if plan.history >= 1 else ""
            if event == "earlier":
                terms = rng.randint(1, min(2, plan.history))
                predecessor = appoint(new_person(seat, min_age=45), seat, self.back(start, terms), terms)
                left, joined = self.event_days(previous_start, start - DAY)
                reason = rng.choice([Membership.EndReason.RESIGNED, Membership.EndReason.RESIGNED, "death"])
                actions.membership_end(
                    membership=predecessor,
                    ended_on=left,
                    reason=reason,
                    note=rng.choice(RESIGN_NOTES) if reason == Membership.EndReason.RESIGNED else "逝去",
                    acting_user=clerk,
                )
                follower = successor(predecessor, seat, joined)
                actions.membership_reappoint(membership=follower, acting_user=clerk)
                continue
            membership = appoint(new_person(seat, min_age=30 + 6 * seat.terms), seat, first, seat.terms)
            if days is None:
                continue
            left, joined = days
            if event == "public_office":
                office = _public_office(place)
                kind = rng.choice([PublicOfficeRecord.Kind.CANDIDACY, PublicOfficeRecord.Kind.OFFICE])
                public_office_record(
                    person=membership.person,
                    kind=kind,
                    office=office,
                    start_date=left,
                    note="立候補の届出" if kind == PublicOfficeRecord.Kind.CANDIDACY else "当選により就任",
                    acting_user=clerk,
                )  # the councils app dismisses the member (C6.4(1)) when the record is saved
                membership.refresh_from_db()
            else:
                actions.membership_end(
                    membership=membership,
                    ended_on=left,
                    reason=event,
                    note=rng.choice(RESIGN_NOTES) if event == Membership.EndReason.RESIGNED else "逝去",
                    acting_user=clerk,
                )
            successor(membership, seat, joined)

    # --- the C4.3 merger ------------------------------------------------------------------------------------------

    def merger(self, station: Station, kobans: list[Koban], name: str, area: str) -> None:
        """Two 駐在所 councils merged into one 単位連絡協議会 at the start of the last fiscal year."""
        rng = self.rng
        clerk = self.clerk(station)
        effective = add_years(_fiscal_year_start(self.today), -1)
        old_start = self.back(add_years(effective, 1), 1)  # their term ran across the merger
        olds = []
        for koban in kobans:
            plan = _Plan(
                station=station,
                kobans=[koban],
                values=_jurisdiction_values(koban),
                size=rng.randint(6, 7),
                history=1,
                older=rng.randint(3, 9),
            )
            council = self.council(plan, old_start)
            self.fill(plan, council, old_start)
            olds.append(council)
        members = [list(c.memberships.filter(queries.current_memberships(effective)).order_by("pk")) for c in olds]
        chairs = [next(m for m in ms if m.post == Post.CHAIR) for ms in members]
        carried = [m for ms in members for m in ms if m.post != Post.CHAIR]
        retiring = set(rng.sample([m.pk for m in carried], k=2))
        review = actions.council_review(
            kind=CouncilReview.Kind.MERGE,
            councils=olds,
            explained_on=effective - datetime.timedelta(days=rng.randint(35, 75)),
            effective_date=effective,
            successors=[
                {
                    "name": name,
                    "kind": Kind.UNIT,
                    "coverage": Coverage.SEVERAL,
                    "area_description": area,
                    "reason": "両駐在所の所管区は生活圏が一体で、委員の高齢化により個別の運営が難しくなったため統合する。",
                    "kobans": kobans,
                }
            ],
            assignment={m.pk: 0 for m in carried if m.pk not in retiring},
            note="栗駒・一迫両駐在所連絡協議会を統合し、単位連絡協議会とする。統合前の定例会議で委員に趣旨を説明し、"
            "了承を得た。任期は統合前の残任期間とする。",
            acting_user=self.chief(station),
        )
        merged = review.successors.get()
        for chair, post in zip(chairs, [Post.CHAIR, Post.VICE_CHAIR], strict=True):
            actions.membership_appoint(
                council=merged,
                person=chair.person,
                start_date=effective,
                end_date=chair.end_date,
                kind=Membership.Kind.RECOMMISSION,
                post=post,
                leader_category=chair.leader_category,
                previous=chair,
                acting_user=clerk,
            )
        self.confirm(merged)
        # At the end of the carried-over term most were reappointed and two newcomers joined.
        current = list(merged.memberships.filter(queries.current_memberships(effective)).order_by("pk"))
        leaving = rng.choice([m for m in current if m.post == Post.MEMBER])
        for membership in current:
            if membership.pk != leaving.pk:
                actions.membership_reappoint(membership=membership, acting_user=clerk)
        renewal = current[0].end_date + DAY
        place = self.place(station, kobans[0])
        for leader in (Leader.VOLUNTEER, ""):
            person = self.person(station, place, "jurisdiction", leader)
            actions.membership_appoint(
                council=merged, person=person, start_date=renewal, leader_category=leader, acting_user=clerk
            )


def _stem(station: Station) -> str:
    return station.name.removesuffix("警察署")


def _jurisdiction_values(koban: Koban) -> dict:
    return {
        "name": f"{koban.name}連絡協議会",
        "kind": Kind.JURISDICTION,
        "coverage": Coverage.WHOLE,
        "area_description": koban.area,
        "reason": "所管区の住民等の意見・要望を把握し、犯罪・事故の防止に向けて警察と地域が協力して取り組むため。",
    }


def _public_office(place: _Place) -> str:
    if place.city.startswith("仙台市"):
        return "仙台市議会議員"
    if place.city.endswith("町"):
        return f"{place.city.split('郡')[-1]}議会議員"
    return f"{place.city}議会議員"


def _fit_age(age: int, occupation: str, organisation: str, title: str, gender: str) -> tuple[int, str, str, str]:
    """Keep a persona believable for the age: no retired 40-year-olds, no PTA chairs or working teachers of 70."""
    if organisation.endswith("老人クラブ") and age < 65:
        organisation, title = organisation.removesuffix("老人クラブ") + "商店会", "理事"
        occupation = "商店主" if occupation == "無職" else occupation
    elif organisation.endswith("PTA") and age >= 55:
        organisation, title = organisation.split("小学校")[0] + "老人クラブ", "会長" if age >= 65 else "副会長"
    if occupation == "無職" and age < 60:
        occupation = "会社員" if gender != "female" else "主婦"
    elif occupation in ("会社員", "教員", "市職員", "町職員", "看護師", "保育士", "薬剤師") and age >= 61:
        age = 45 + age % 15
    return age, occupation, organisation, title


def _persona(rng: random.Random, fake: Faker, place: _Place, profile: str, leader: str, gender: str):
    """(occupation, organisation, title) fitting the leader category (ア–エ) and the kind of council."""
    town = rng.choice(place.towns)[1]
    female = gender == "female"
    stem = place.station_stem
    if profile == "nightlife":
        options = {
            Leader.NEIGHBOURHOOD: [
                ("飲食店経営", "国分町町内会", "副会長"),
                ("会社役員", "一番町四丁目町内会", "会長"),
            ],
            Leader.PUBLIC_AGENCY: [("市職員", "仙台市青葉区役所 区民生活課", "係長")],
            Leader.SAFETY_ASSOCIATION: [
                ("会社役員", "青葉地区防犯協会", "理事"),
                ("飲食店経営", "青葉地区防犯協会", "国分町支部長"),
            ],
            Leader.VOLUNTEER: [
                ("飲食店経営", "国分町客引き防止パトロール隊", "隊長"),
                ("会社員", "国分町クリーン作戦実行委員会", "委員長"),
            ],
            "": [
                ("飲食店経営", "国分町飲食店組合", rng.choice(["組合長", "理事", "理事"])),
                ("会社役員", f"{fake.last_name()}ビル管理株式会社", "代表取締役"),
                ("会社員", f"{fake.last_name()}第二ビル管理組合", "管理者"),
                ("飲食店経営", "仙台社交飲食業組合", "理事"),
                ("商店主", "一番町商店街振興組合", "理事"),
                ("会社役員", "国分町ホテル旅館組合", "副組合長"),
            ],
        }
        return rng.choice(options[leader])
    if profile == "foreign":
        options = {
            Leader.PUBLIC_AGENCY: [
                ("市職員", "石巻市役所 市民協働推進課", "主査"),
                ("団体職員", "石巻国際交流協会", "事務局長"),
            ],
            Leader.VOLUNTEER: [
                ("教員", "渡波にほんご教室", "代表"),
                ("主婦", "石巻国際交流ボランティアの会", "副代表"),
            ],
            Leader.NEIGHBOURHOOD: [("会社役員", f"{town}町内会", "会長")],
            Leader.SAFETY_ASSOCIATION: [("会社役員", "石巻地区防犯協会", "理事")],
            "": [
                ("会社役員", f"{fake.last_name()}水産株式会社", "代表取締役"),
                ("会社役員", f"{fake.last_name()}冷凍食品株式会社", "専務取締役"),
                ("会社員", "石巻水産加工業協同組合", "総務課長"),
                ("行政書士", f"{fake.last_name()}行政書士事務所", "所長"),
            ],
        }
        return rng.choice(options[leader])
    if profile == "women":
        options = {
            Leader.NEIGHBOURHOOD: [("主婦", f"{town}町内会", "副会長"), ("主婦", f"{town}町内会", "婦人部長")],
            Leader.PUBLIC_AGENCY: [
                ("市職員", "仙台市泉区役所 家庭健康課", "保健師"),
                ("教員", f"{town}小学校", "教頭"),
            ],
            Leader.SAFETY_ASSOCIATION: [
                ("主婦", "泉地区防犯協会", "女性部長"),
                ("自営業", "泉地区交通安全母の会", "会長"),
            ],
            Leader.VOLUNTEER: [
                ("主婦", f"{town}子ども見守り隊", "代表"),
                ("会社員", "泉警察署少年補導員連絡会", "少年補導員"),
                ("主婦", f"{town}子供会育成会", "会長"),
            ],
            "": [
                ("主婦", f"{town}小学校PTA", "会長"),
                ("看護師", "泉中央クリニック", "看護師長"),
                ("保育士", f"{town}保育園", "園長"),
                ("会社員", fake.company(), ""),
                ("自営業", "美容室", "経営"),
                ("主婦", "仙台市民生委員児童委員協議会", "民生委員"),
                ("弁護士", f"{fake.last_name()}法律事務所", ""),
            ],
        }
        return rng.choice(options[leader])
    # 所管区・単位連絡協議会: anyone the neighbourhood trusts, chosen across occupations, ages and sexes.
    if leader == Leader.NEIGHBOURHOOD:
        organisation = f"{town}{'地区自治会' if place.rural else '町内会'}"
        title = rng.choice(
            ["会長", "会長", "副会長", "会計", "防犯部長"] if not female else ["副会長", "婦人部長", "会計"]
        )
        jobs = ["主婦", "自営業", "無職"] if female else ["自営業", "無職", "会社役員", "商店主"]
        if place.rural and not female:
            jobs += ["農業", "農業"] + (["漁業"] if "浜" in town or "浜" in place.city else [])
        return rng.choice(jobs), organisation, title
    if leader == Leader.PUBLIC_AGENCY:
        occupation = "町職員" if place.city.endswith("町") else "市職員"
        return rng.choice(
            [
                (occupation, f"{place.local_body} 防災安全課", rng.choice(["主査", "係長"])),
                (occupation, f"{town}市民センター" if not place.city.endswith("町") else f"{town}公民館", "館長"),
                ("教員", f"{town}小学校", rng.choice(["校長", "教頭"])),
                ("教員", f"{town}中学校", "生徒指導主事"),
            ]
        )
    if leader == Leader.SAFETY_ASSOCIATION:
        return (
            rng.choice(["自営業", "会社役員", "無職", "商店主"] if not female else ["自営業", "主婦"]),
            rng.choice([f"{stem}地区防犯協会", f"{stem}地区交通安全協会"]),
            rng.choice(["支部長", "理事", "理事", "副会長"]),
        )
    if leader == Leader.VOLUNTEER:
        return rng.choice(
            [
                (rng.choice(["会社員", "自営業", "無職"]), f"{town}地区防犯パトロール隊", "隊長"),
                (rng.choice(["会社員", "主婦" if female else "自営業"]), f"{stem}警察署少年補導員連絡会", "少年補導員"),
                (rng.choice(["無職", "自営業"]), "地域交通安全活動推進委員協議会", "推進委員"),
                ("主婦" if female else "会社員", f"{town}子供会育成会", "会長"),
                (rng.choice(["無職", "主婦" if female else "自営業"]), f"{town}地域防犯連絡所", "連絡所長"),
            ]
        )
    if female:
        return rng.choice(
            [
                ("主婦", f"{town}小学校PTA", rng.choice(["会長", "副会長"])),
                (
                    "看護師",
                    f"{place.city.split('郡')[-1]}{rng.choice(['中央病院', '総合病院', '内科クリニック'])}",
                    "看護師長",
                ),
                ("主婦", f"{place.city.split('郡')[-1]}民生委員児童委員協議会", "民生委員"),
                ("会社員", fake.company(), ""),
                ("保育士", f"{town}保育所", "所長"),
                ("自営業", f"{town}商店会", "理事"),
                ("薬剤師", f"{town}{rng.choice(['調剤薬局', '薬局'])}", "管理薬剤師"),
            ]
        )
    options = [
        ("会社員", fake.company(), rng.choice(["営業部長", "総務課長", "支店長", ""])),
        ("会社役員", f"{fake.last_name()}{rng.choice(COMPANY_SUFFIXES)}株式会社", "代表取締役"),
        ("商店主", f"{town}商店会", rng.choice(["会長", "理事"])),
        ("僧侶", rng.choice(TEMPLES), "住職"),
        ("医師", f"{fake.last_name()}医院", "院長"),
        ("無職", f"{town}老人クラブ", "会長"),
        ("自営業", f"{town}小学校PTA", "会長"),
        ("会社員", "日本郵便株式会社", f"{town}郵便局長"),
    ]
    if place.rural:
        options += [("農業", f"{town}農事組合", "組合長"), ("農業", "", "")]
        if "浜" in town or "浜" in place.city:
            options += [("漁業", f"{town}漁業生産組合", "組合長")]
    return rng.choice(options)


def build(*, rng: random.Random, fake: Faker, org: dict) -> None:
    """Create the demo councils, members and terms (see the module docstring)."""
    builder = _Builder(rng, fake, org)
    stations = {s.name: s for s in org["stations"]}
    kobans = {(k.station_id, k.name): k for k in org["kobans"]}

    def find(station: Station, names: list[str]) -> list[Koban] | None:
        found = [kobans.get((station.pk, name)) for name in names]
        return found if found and all(found) else None

    demo_koban = org["demo"]["demo_koban_chief"].koban
    plans: list[_Plan] = []
    taken: set[int] = {k.pk for k in org["kobans"] if k.name in WITHOUT_COUNCIL}
    merger_kobans = None
    if MERGER[0] in stations:
        merger_kobans = find(stations[MERGER[0]], MERGER[1])
        taken |= {k.pk for k in merger_kobans or []}
    units = []
    for station_name, name, names, area, reason in UNIT_COUNCILS:
        station = stations.get(station_name)
        unit_kobans = find(station, names) if station else None
        if unit_kobans:
            taken |= {k.pk for k in unit_kobans}
            units.append((station, name, unit_kobans, area, reason))

    def plan_for(station: Station, council_kobans: list[Koban], values: dict, profile: str = "jurisdiction") -> _Plan:
        size = rng.choices([6, 7, 8, 9, 10, 11, 12, 13], weights=[1, 2, 5, 12, 16, 12, 4, 2])[0]
        share = rng.uniform(0.42, 0.6) if rng.random() < 0.85 else rng.uniform(0.2, 0.35)
        history = rng.choices([0, 1, 2, 3], weights=[1, 2, 3, 14])[0]
        plan = _Plan(
            station=station,
            kobans=council_kobans,
            values=values,
            profile=profile,
            size=size,
            leader_share=share,
            cycle=rng.choices(["even", "odd", "soon"], weights=[40, 45, 15])[0],
            history=history,
            older=rng.randint(0, 8) if history == 3 else 0,
            confirm=rng.random() < 0.88,
        )
        if rng.random() < 0.3:
            plan.events.append(rng.choice([Membership.EndReason.RESIGNED, Membership.EndReason.RESIGNED, "death"]))
        if rng.random() < 0.2:
            plan.events.append("earlier")
        return plan

    for koban in org["kobans"]:
        if koban.pk in taken:
            continue
        station = next(s for s in org["stations"] if s.pk == koban.station_id)
        plans.append(plan_for(station, [koban], _jurisdiction_values(koban)))
        if koban.pk == demo_koban.pk:
            demo_plan = plans[-1]
            demo_plan.size, demo_plan.leader_share, demo_plan.history = 10, 0.5, 3
            demo_plan.confirm, demo_plan.long_chair, demo_plan.older = True, True, 5
            demo_plan.events = [Membership.EndReason.RESIGNED]
    for station, name, unit_kobans, area, reason in units:
        values = {"name": name, "kind": Kind.UNIT, "coverage": Coverage.SEVERAL, "area_description": area}
        values["reason"] = reason
        plans.append(plan_for(station, unit_kobans, values))
    for station_name, name, occupational_kind, names, area, reason, profile in OCCUPATIONAL_COUNCILS:
        station = stations.get(station_name)
        occupational_kobans = find(station, names) if station else None
        if not occupational_kobans:
            continue
        values = {
            "name": name,
            "kind": Kind.OCCUPATIONAL,
            "occupational_kind": occupational_kind,
            "coverage": Coverage.SEVERAL if len(occupational_kobans) > 1 else Coverage.WHOLE,
            "area_description": area,
            "reason": reason,
        }
        plan = plan_for(station, occupational_kobans, values, profile)
        plan.history = min(plan.history, 2)
        plans.append(plan)

    # Make sure each kind of finding shows somewhere: terms ending soon, long tenure, few community leaders.
    others = [p for p in plans if p.kobans[0].pk != demo_koban.pk]
    for plan in rng.sample(others, k=min(3, len(others))):
        plan.cycle = "soon"
    for plan in rng.sample(others, k=min(2, len(others))):
        plan.long_chair, plan.history = True, max(plan.history, 3)
    for plan in rng.sample(others, k=min(2, len(others))):
        plan.leader_share = rng.uniform(0.2, 0.3)
    # The demo station's renewal workbench and home page need terms ending soon as well.
    demo_station_plans = [p for p in others if p.kobans[0].station_id == demo_koban.station_id]
    if demo_station_plans:
        demo_station_plans[0].cycle = "soon"
    # Two members take up or stand for public office during their current term (C6.4(1)).
    eligible = [p for p in others if p.cycle != "even" and p.profile == "jurisdiction" and p.size >= 8]
    for plan in rng.sample(eligible, k=min(2, len(eligible))):
        plan.public_office = "public_office"

    for plan in plans:
        start = builder.term_start(plan.cycle)
        builder.fill(plan, builder.council(plan, start), start)
    if merger_kobans:
        builder.merger(stations[MERGER[0]], merger_kobans, MERGER[2], MERGER[3])
