"""Demo data: a fictional but realistic Miyagi-like prefectural police organisation.

``build_organisation(rng, fake)`` creates HQ divisions, 12 stations with their sections, 60 交番・駐在所 and exactly
``OFFICER_TOTAL`` officers, one demo login per role among them (password ``DEMO_PASSWORD``). Everything is derived from
``rng`` and ``fake`` (Faker("ja_JP")), so the same seeds give the same data. Call it inside a transaction on a database
without organisation data.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from faker import Faker

from liaison.org.models import HQDivision, Koban, Officer, PrefectureSettings, Rank, Section, Station

DEMO_PASSWORD = "demo-pass-2025"
OFFICER_TOTAL = 400
FEMALE_SHARE = 0.15

Role = Officer.Role
KOBAN = Koban.Kind.KOBAN
CHUZAISHO = Koban.Kind.CHUZAISHO

# username → role; the demo logins are real officers of 青葉警察署 / 一番町交番 and of the HQ.
DEMO_LOGINS: dict[str, str] = {
    "demo_hq_admin": Role.HQ_ADMIN,
    "demo_hq_staff": Role.HQ_STAFF,
    "demo_chief": Role.STATION_CHIEF,
    "demo_deputy": Role.DEPUTY,
    "demo_community": Role.COMMUNITY_SECTION,
    "demo_section": Role.SECTION_STAFF,
    "demo_koban_chief": Role.KOBAN_CHIEF,
    "demo_koban_staff": Role.KOBAN_STAFF,
}

# (name, is_community, officers besides the admins)
HQ_DIVISIONS: list[tuple[str, bool, int]] = [
    ("地域部地域課", True, 3),
    ("地域部通信指令課", False, 3),
    ("生活安全部生活安全企画課", False, 3),
    ("生活安全部少年課", False, 2),
    ("刑事部刑事企画課", False, 3),
    ("交通部交通企画課", False, 3),
    ("警務部警務課", False, 3),
    ("警備部警備課", False, 2),
]
HQ_ADMINS = [("課長補佐", Rank.KEISHI), ("係長", Rank.KEIBU)]
HQ_STAFF_POSTS = [("課長補佐", Rank.KEISHI), ("係長", Rank.KEIBU), ("主任", Rank.KEIBUHO), ("係員", Rank.JUNSA_BUCHO)]

# (name, is_community); each section is headed by a 警部 titled 「〇〇課長」.
SECTIONS: list[tuple[str, bool]] = [
    ("警務課", False),
    ("地域課", True),
    ("生活安全課", False),
    ("刑事課", False),
    ("交通課", False),
]


@dataclass(frozen=True)
class KobanSpec:
    name: str
    kind: str
    municipality: str
    area: str


@dataclass(frozen=True)
class StationSpec:
    name: str
    code: str
    address: str
    urban: bool
    kobans: tuple[KobanSpec, ...]


def _k(name: str, municipality: str, area: str) -> KobanSpec:
    return KobanSpec(name, KOBAN if name.endswith("交番") else CHUZAISHO, municipality, area)


STATIONS: list[StationSpec] = [
    StationSpec(
        "青葉警察署",
        "M01",
        "仙台市青葉区本町三丁目7番1号",
        True,
        (
            _k("一番町交番", "仙台市青葉区", "一番町一丁目〜四丁目、国分町一丁目"),
            _k("仙台駅西口交番", "仙台市青葉区", "中央一丁目〜四丁目、花京院一丁目"),
            _k("国分町交番", "仙台市青葉区", "国分町二丁目・三丁目、立町"),
            _k("北山交番", "仙台市青葉区", "北山一丁目〜三丁目、堤通雨宮町"),
            _k("川内交番", "仙台市青葉区", "川内、米ケ袋、片平"),
            _k("作並駐在所", "仙台市青葉区", "作並、新川"),
            _k("大倉駐在所", "仙台市青葉区", "大倉、芋沢の一部"),
        ),
    ),
    StationSpec(
        "宮城野警察署",
        "M02",
        "仙台市宮城野区五輪二丁目3番8号",
        True,
        (
            _k("仙台駅東口交番", "仙台市宮城野区", "榴岡一丁目、名掛丁"),
            _k("榴岡交番", "仙台市宮城野区", "榴岡二丁目〜五丁目、宮城野一丁目"),
            _k("原町交番", "仙台市宮城野区", "原町一丁目〜六丁目、東仙台"),
            _k("鶴ケ谷交番", "仙台市宮城野区", "鶴ケ谷一丁目〜八丁目、鶴ケ谷東"),
            _k("高砂交番", "仙台市宮城野区", "福室、高砂、中野"),
            _k("岩切駐在所", "仙台市宮城野区", "岩切、燕沢の一部"),
        ),
    ),
    StationSpec(
        "若林警察署",
        "M03",
        "仙台市若林区清水小路9番2号",
        True,
        (
            _k("荒町交番", "仙台市若林区", "荒町、南鍛冶町、連坊"),
            _k("卸町交番", "仙台市若林区", "卸町一丁目〜五丁目、大和町"),
            _k("六丁の目交番", "仙台市若林区", "六丁の目中町、六丁の目南町"),
            _k("遠見塚交番", "仙台市若林区", "遠見塚一丁目〜三丁目、古城"),
            _k("荒浜駐在所", "仙台市若林区", "荒浜、井土、藤塚"),
        ),
    ),
    StationSpec(
        "太白警察署",
        "M04",
        "仙台市太白区長町五丁目2番15号",
        True,
        (
            _k("長町交番", "仙台市太白区", "長町一丁目〜八丁目、長町南"),
            _k("富沢交番", "仙台市太白区", "富沢一丁目〜四丁目、大野田"),
            _k("八木山交番", "仙台市太白区", "八木山本町、八木山南"),
            _k("西多賀交番", "仙台市太白区", "西多賀、鈎取、富田"),
            _k("秋保駐在所", "仙台市太白区", "秋保町湯元、秋保町長袋"),
            _k("坪沼駐在所", "仙台市太白区", "坪沼、茂庭の一部"),
        ),
    ),
    StationSpec(
        "泉警察署",
        "M05",
        "仙台市泉区泉中央二丁目11番3号",
        True,
        (
            _k("泉中央交番", "仙台市泉区", "泉中央一丁目〜四丁目、七北田"),
            _k("将監交番", "仙台市泉区", "将監一丁目〜十三丁目、南中山"),
            _k("南光台交番", "仙台市泉区", "南光台一丁目〜七丁目、旭丘堤"),
            _k("八乙女交番", "仙台市泉区", "八乙女中央、上谷刈"),
            _k("根白石駐在所", "仙台市泉区", "根白石、福岡、朴沢"),
        ),
    ),
    StationSpec(
        "塩釜警察署",
        "M06",
        "塩竈市本町6番21号",
        True,
        (
            _k("本町交番", "塩竈市", "本町、海岸通、港町"),
            _k("多賀城駅前交番", "多賀城市", "中央一丁目〜三丁目、桜木"),
            _k("利府交番", "利府町", "利府字新並松、青山"),
            _k("松島駐在所", "松島町", "松島字町内、高城"),
            _k("七ヶ浜駐在所", "七ヶ浜町", "汐見台、吉田浜、代ケ崎浜"),
        ),
    ),
    StationSpec(
        "石巻警察署",
        "M07",
        "石巻市中里四丁目4番32号",
        False,
        (
            _k("石巻駅前交番", "石巻市", "鋳銭場、穀町、立町"),
            _k("蛇田交番", "石巻市", "蛇田、恵み野、向陽町"),
            _k("渡波交番", "石巻市", "渡波、万石町、流留"),
            _k("女川駐在所", "女川町", "女川浜、鷲神浜"),
            _k("牡鹿駐在所", "石巻市", "鮎川浜、小渕浜"),
            _k("北上駐在所", "石巻市", "北上町十三浜、北上町女川"),
        ),
    ),
    StationSpec(
        "大崎警察署",
        "M08",
        "大崎市古川七日町5番18号",
        False,
        (
            _k("古川駅前交番", "大崎市", "古川駅前大通、古川十日町"),
            _k("古川中央交番", "大崎市", "古川七日町、古川北町、古川江合"),
            _k("岩出山駐在所", "大崎市", "岩出山、岩出山池月"),
            _k("鳴子駐在所", "大崎市", "鳴子温泉、鬼首"),
            _k("中新田駐在所", "加美町", "中新田、西田"),
        ),
    ),
    StationSpec(
        "登米警察署",
        "M09",
        "登米市迫町佐沼字中江一丁目3番",
        False,
        (
            _k("佐沼交番", "登米市", "迫町佐沼、迫町北方"),
            _k("登米駐在所", "登米市", "登米町寺池、登米町日根牛"),
            _k("東和駐在所", "登米市", "東和町米谷、東和町錦織"),
            _k("津山駐在所", "登米市", "津山町柳津、津山町横山"),
        ),
    ),
    StationSpec(
        "栗原警察署",
        "M10",
        "栗原市築館伊豆二丁目6番5号",
        False,
        (
            _k("築館交番", "栗原市", "築館伊豆、築館薬師"),
            _k("若柳駐在所", "栗原市", "若柳、若柳川北"),
            _k("栗駒駐在所", "栗原市", "栗駒岩ケ崎、栗駒文字"),
            _k("一迫駐在所", "栗原市", "一迫真坂、一迫川口"),
        ),
    ),
    StationSpec(
        "気仙沼警察署",
        "M11",
        "気仙沼市赤岩杉ノ沢47番6号",
        False,
        (
            _k("気仙沼駅前交番", "気仙沼市", "古町、田中前、魚市場前"),
            _k("唐桑駐在所", "気仙沼市", "唐桑町宿、唐桑町鮪立"),
            _k("本吉駐在所", "気仙沼市", "本吉町津谷、本吉町小泉"),
            _k("志津川駐在所", "南三陸町", "志津川、入谷"),
        ),
    ),
    StationSpec(
        "白石警察署",
        "M12",
        "白石市字本鍛治小路11番地",
        False,
        (
            _k("白石駅前交番", "白石市", "沢端町、銚子ケ森、大手町"),
            _k("蔵王駐在所", "蔵王町", "円田、遠刈田温泉"),
            _k("七ヶ宿駐在所", "七ヶ宿町", "関、湯原"),
        ),
    ),
]

# Surnames frequent in Miyagi, mixed with Faker's national list for regional flavour.
MIYAGI_SURNAMES: list[tuple[str, str]] = [
    ("佐々木", "ササキ"),
    ("阿部", "アベ"),
    ("千葉", "チバ"),
    ("菅原", "スガワラ"),
    ("及川", "オイカワ"),
    ("遠藤", "エンドウ"),
    ("今野", "コンノ"),
    ("庄司", "ショウジ"),
    ("大友", "オオトモ"),
    ("熊谷", "クマガイ"),
    ("相澤", "アイザワ"),
    ("後藤", "ゴトウ"),
    ("三浦", "ミウラ"),
    ("丹野", "タンノ"),
    ("狩野", "カノウ"),
    ("只野", "タダノ"),
    ("鹿野", "シカノ"),
    ("我妻", "ワガツマ"),
]


class _OfficerFactory:
    """Creates users and officers with matched kanji/kana names and sequential usernames ``o0001`` …"""

    def __init__(self, rng: random.Random, fake: Faker):
        self.rng = rng
        self.fake = fake
        self.seq = 0
        self.used_names: set[tuple[str, str]] = set()
        self.officers: list[Officer] = []
        self.demo: dict[str, Officer] = {}
        self.user_model = get_user_model()

    def _name(self) -> tuple[str, str, str, str]:
        for _attempt in range(50):
            if self.rng.random() < 0.3:
                family, family_kana = self.rng.choice(MIYAGI_SURNAMES)
            else:
                family, family_kana, _roman = self.fake.last_name_pair()
            if self.rng.random() < FEMALE_SHARE:
                given, given_kana, _roman = self.fake.first_name_female_pair()
            else:
                given, given_kana, _roman = self.fake.first_name_male_pair()
            if (family, given) not in self.used_names:
                break
        self.used_names.add((family, given))
        return family, given, family_kana, given_kana

    def create(
        self,
        role: str,
        rank: str,
        title: str,
        *,
        hq_division: HQDivision | None = None,
        station: Station | None = None,
        section: Section | None = None,
        koban: Koban | None = None,
        demo_username: str | None = None,
    ) -> Officer:
        family, given, family_kana, given_kana = self._name()
        if demo_username:
            username = demo_username
        else:
            self.seq += 1
            username = f"o{self.seq:04d}"
        user = self.user_model(username=username, last_name=family, first_name=given)
        if demo_username:
            user.set_password(DEMO_PASSWORD)
        else:
            user.set_unusable_password()
        user.save()
        officer = Officer.objects.create(
            user=user,
            family_name=family,
            given_name=given,
            family_kana=family_kana,
            given_kana=given_kana,
            rank=rank,
            title=title,
            role=role,
            hq_division=hq_division,
            station=station,
            section=section,
            koban=koban,
        )
        self.officers.append(officer)
        if demo_username:
            self.demo[demo_username] = officer
        return officer


def _build_hq(factory: _OfficerFactory, divisions: list[HQDivision]) -> None:
    rng = factory.rng
    for division, (_name, is_community, count) in zip(divisions, HQ_DIVISIONS, strict=True):
        if is_community:
            for i, (title, rank) in enumerate(HQ_ADMINS):
                factory.create(
                    Role.HQ_ADMIN,
                    rank,
                    title,
                    hq_division=division,
                    demo_username="demo_hq_admin" if i == 0 else None,
                )
        posts = HQ_STAFF_POSTS[:1] + sorted(
            rng.sample(HQ_STAFF_POSTS[1:], k=min(count, 3) - 1), key=HQ_STAFF_POSTS.index
        )
        posts += [HQ_STAFF_POSTS[-1]] * (count - len(posts))
        for title, rank in posts:
            demo = (
                "demo_hq_staff"
                if division.name == "生活安全部生活安全企画課" and "demo_hq_staff" not in factory.demo
                else None
            )
            factory.create(Role.HQ_STAFF, rank, title, hq_division=division, demo_username=demo)


def _koban_staff_count(rng: random.Random, spec: StationSpec, koban: Koban) -> int:
    """Officers besides the chief: 2–6 at a 交番 (more in the city), 0 or 1 at a 駐在所."""
    if koban.kind == CHUZAISHO:
        return 1 if rng.random() < 0.25 else 0
    return rng.randint(3, 6) if spec.urban else rng.randint(2, 4)


def _section_staff_post(rng: random.Random) -> tuple[str, str]:
    return rng.choices(
        [("係長", Rank.KEIBUHO), ("主任", Rank.JUNSA_BUCHO), ("係員", Rank.JUNSA)],
        weights=[2, 3, 4],
    )[0]


def build_organisation(rng: random.Random, fake: Faker) -> dict:
    """Create the whole organisation; return what extension builders need (see ``load_demo``).

    Keys: ``prefecture`` (PrefectureSettings), ``hq_divisions``, ``stations``, ``kobans`` and ``officers`` (lists in
    creation order), ``sections`` ({(station name, section name): Section}), ``demo`` ({username: Officer}) and
    ``password`` (the demo logins' password).
    """
    prefecture = PrefectureSettings.current()
    factory = _OfficerFactory(rng, fake)

    divisions = [
        HQDivision.objects.create(name=name, is_community=is_community, order=i)
        for i, (name, is_community, _count) in enumerate(HQ_DIVISIONS, start=1)
    ]

    stations: list[Station] = []
    kobans: list[Koban] = []
    sections: dict[tuple[str, str], Section] = {}
    # Per station: (spec, station, {section name: Section}, [kobans])
    layout: list[tuple[StationSpec, Station, dict[str, Section], list[Koban]]] = []
    for order, spec in enumerate(STATIONS, start=1):
        station = Station.objects.create(name=spec.name, code=spec.code, address=spec.address, order=order)
        station_sections = {}
        for s_order, (s_name, is_community) in enumerate(SECTIONS, start=1):
            section = Section.objects.create(station=station, name=s_name, is_community=is_community, order=s_order)
            station_sections[s_name] = section
            sections[(spec.name, s_name)] = section
        station_kobans = []
        for k_order, k in enumerate(spec.kobans, start=1):
            stem = k.name.removesuffix("交番").removesuffix("駐在所")
            koban = Koban.objects.create(
                station=station,
                name=k.name,
                kind=k.kind,
                jurisdiction_name=f"{stem}地区",
                municipality=k.municipality,
                area=k.area,
                order=k_order,
            )
            station_kobans.append(koban)
        stations.append(station)
        kobans.extend(station_kobans)
        layout.append((spec, station, station_sections, station_kobans))

    # Plan every head count first, so that the total is exactly OFFICER_TOTAL whatever the seed.
    koban_staff = {k.pk: _koban_staff_count(rng, spec, k) for spec, _st, _secs, ks in layout for k in ks}
    fixed = (
        len(HQ_ADMINS)
        + sum(count for _n, _c, count in HQ_DIVISIONS)
        + len(stations) * (2 + len(SECTIONS))  # chief, deputy, one head per section
        + len(kobans)  # one chief per koban
        + sum(koban_staff.values())
    )
    remainder = max(OFFICER_TOTAL - fixed, 0)
    # Section staff besides the heads, weighted by station size (number of kobans) and section.
    slots = [
        (station.pk, s_name)
        for spec, station, _secs, ks in layout
        for s_name, _c in SECTIONS
        for _w in range(len(ks) + (2 if spec.urban else 0))
    ]
    section_extra: dict[tuple[int, str], int] = {}
    for slot in rng.choices(slots, k=remainder):
        section_extra[slot] = section_extra.get(slot, 0) + 1

    _build_hq(factory, divisions)

    for index, (spec, station, station_sections, station_kobans) in enumerate(layout):
        first = index == 0
        big = len(station_kobans) >= 6
        factory.create(
            Role.STATION_CHIEF, Rank.KEISHI, "署長", station=station, demo_username="demo_chief" if first else None
        )
        factory.create(
            Role.DEPUTY,
            Rank.KEISHI if big else Rank.KEIBU,
            "副署長" if big else "次長",
            station=station,
            demo_username="demo_deputy" if first else None,
        )
        for s_name, is_community in SECTIONS:
            section = station_sections[s_name]
            role = Role.COMMUNITY_SECTION if is_community else Role.SECTION_STAFF
            demo = None
            if first and is_community:
                demo = "demo_community"
            elif first and s_name == "生活安全課":
                demo = "demo_section"
            factory.create(
                role,
                Rank.KEIBU,
                f"{s_name}長",
                station=station,
                section=section,
                demo_username=demo,
            )
            for _i in range(section_extra.get((station.pk, s_name), 0)):
                title, rank = _section_staff_post(rng)
                factory.create(role, rank, title, station=station, section=section)

        community = station_sections["地域課"]
        for k_index, koban in enumerate(station_kobans):
            first_koban = first and k_index == 0
            staff = koban_staff[koban.pk]
            if koban.kind == KOBAN:
                chief_rank = Rank.KEIBUHO if spec.urban or rng.random() < 0.5 else Rank.JUNSA_BUCHO
                chief_title = "交番所長"
            else:
                chief_rank = rng.choice([Rank.JUNSA_BUCHO, Rank.JUNSA_BUCHO, Rank.JUNSA])
                chief_title = "駐在所長" if staff else "駐在所員"
            factory.create(
                Role.KOBAN_CHIEF,
                chief_rank,
                chief_title,
                station=station,
                section=community,
                koban=koban,
                demo_username="demo_koban_chief" if first_koban else None,
            )
            for s_index in range(staff):
                rank = Rank.JUNSA_BUCHO if rng.random() < 0.3 else Rank.JUNSA
                factory.create(
                    Role.KOBAN_STAFF,
                    rank,
                    "交番勤務員" if koban.kind == KOBAN else "駐在所員",
                    station=station,
                    section=community,
                    koban=koban,
                    demo_username="demo_koban_staff" if first_koban and s_index == 0 else None,
                )

    missing = set(DEMO_LOGINS) - set(factory.demo)
    if missing:  # pragma: no cover - guards the layout above
        raise RuntimeError(f"demo logins not created: {sorted(missing)}")

    return {
        "prefecture": prefecture,
        "hq_divisions": divisions,
        "stations": stations,
        "sections": sections,
        "kobans": kobans,
        "officers": factory.officers,
        "demo": factory.demo,
        "password": DEMO_PASSWORD,
    }
