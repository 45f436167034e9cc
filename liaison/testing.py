"""Builders for tests: a small prefecture with two stations and one login per role in each."""

import itertools

from django.contrib.auth import get_user_model

from liaison.org.models import HQDivision, Koban, Officer, Rank, Section, Station

PASSWORD = "Koban-test-2025!"
_seq = itertools.count(1)


def make_station(name: str, code: str | None = None) -> Station:
    station = Station.objects.create(name=name, code=code or f"S{next(_seq):03d}", address=f"{name}所在地")
    Section.objects.create(station=station, name="地域課", is_community=True, order=1)
    Section.objects.create(station=station, name="生活安全課", order=2)
    Section.objects.create(station=station, name="刑事課", order=3)
    return station


def make_koban(station: Station, name: str, kind: str = Koban.Kind.KOBAN) -> Koban:
    return Koban.objects.create(
        station=station,
        name=name,
        kind=kind,
        jurisdiction_name=f"{name.removesuffix('交番').removesuffix('駐在所')}地区",
        municipality="仙台市青葉区",
    )


def make_officer(
    role: str,
    *,
    station: Station | None = None,
    koban: Koban | None = None,
    username: str | None = None,
    family: str = "佐藤",
    given: str = "一郎",
    family_kana: str = "サトウ",
    given_kana: str = "イチロウ",
    rank: str = Rank.JUNSA_BUCHO,
    title: str = "",
) -> Officer:
    username = username or f"{role}{next(_seq)}"
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    section = None
    if station is not None and role in ("community_section", "koban_chief", "koban_staff"):
        section = station.sections.filter(is_community=True).first()
    elif station is not None and role == "section_staff":
        section = station.sections.filter(is_community=False).first()
    hq_division = None
    if role in ("hq_admin", "hq_staff"):
        hq_division, _ = HQDivision.objects.get_or_create(
            name="地域部地域課" if role == "hq_admin" else "生活安全部生活安全企画課",
            defaults={"is_community": role == "hq_admin"},
        )
    return Officer.objects.create(
        user=user,
        family_name=family,
        given_name=given,
        family_kana=family_kana,
        given_kana=given_kana,
        rank=rank,
        title=title,
        role=role,
        station=station,
        section=section,
        koban=koban,
        hq_division=hq_division,
    )


class World:
    """Two stations (A, B), a koban and a chuzaisho in each, and one officer per role."""

    def __init__(self):
        self.station_a = make_station("青葉警察署", "A01")
        self.station_b = make_station("泉警察署", "B01")
        self.koban_a = make_koban(self.station_a, "一番町交番")
        self.chuzaisho_a = make_koban(self.station_a, "作並駐在所", Koban.Kind.CHUZAISHO)
        self.koban_b = make_koban(self.station_b, "泉中央交番")
        self.officers: dict[str, Officer] = {}
        self.officers["hq_admin"] = make_officer("hq_admin", username="hq_admin", rank=Rank.KEISHI)
        self.officers["hq_staff"] = make_officer("hq_staff", username="hq_staff", rank=Rank.KEIBU)
        for role in ("station_chief", "deputy", "community_section", "section_staff"):
            self.officers[role] = make_officer(role, station=self.station_a, username=role)
        self.officers["koban_chief"] = make_officer(
            "koban_chief", station=self.station_a, koban=self.koban_a, username="koban_chief", rank=Rank.KEIBUHO
        )
        self.officers["koban_staff"] = make_officer(
            "koban_staff", station=self.station_a, koban=self.koban_a, username="koban_staff", rank=Rank.JUNSA
        )
        self.chief_b = make_officer("station_chief", station=self.station_b, username="chief_b", rank=Rank.KEISHI)

    def user(self, role: str):
        return self.officers[role].user


ROLES = [r.value for r in Officer.Role]


def _walk(patterns, prefix=""):
    from django.urls import URLPattern, URLResolver

    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{p.namespace}:" if p.namespace else ""
            yield from _walk(p.url_patterns, prefix + ns)
        elif isinstance(p, URLPattern):
            yield prefix + (p.name or ""), p


def app_urls():
    """(name, URLPattern) of every URL of the app, read from the URL resolver (the access matrix and the fuzz test)."""
    from django.urls import get_resolver

    return [(name, p) for name, p in _walk(get_resolver().url_patterns) if not name.startswith("djdt")]


def make_person(station: Station, family="山田", given="太郎", family_kana="ヤマダ", given_kana="タロウ", **extra):
    from liaison.people.models import Person

    extra.setdefault("birth_date", __import__("datetime").date(1965, 5, 20))
    return Person.objects.create(
        station=station, family_name=family, given_name=given, family_kana=family_kana, given_kana=given_kana, **extra
    )


SAMPLE_MEMBERS = [
    ("阿部", "和子", "アベ", "カズコ", "female", 1958, "主婦", "a"),
    ("伊藤", "誠", "イトウ", "マコト", "male", 1962, "会社役員", "a"),
    ("遠藤", "恵美", "エンドウ", "エミ", "female", 1975, "教員", "e"),
    ("加藤", "浩", "カトウ", "ヒロシ", "male", 1950, "自営業", "u"),
    ("菅野", "直樹", "カンノ", "ナオキ", "male", 1980, "市職員", "i"),
    ("佐々木", "幸子", "ササキ", "サチコ", "female", 1968, "看護師", ""),
    ("高橋", "健一", "タカハシ", "ケンイチ", "male", 1955, "農業", ""),
    ("千葉", "美穂", "チバ", "ミホ", "female", 1985, "会社員", ""),
    ("早坂", "隆", "ハヤサカ", "タカシ", "male", 1948, "無職", ""),
    ("渡辺", "順子", "ワタナベ", "ジュンコ", "female", 1972, "薬剤師", ""),
]


def make_council_with_members(world_or_station, koban, *, acting_user, start=None, count=10, name=None):
    """A jurisdiction council of ``koban`` with up to ten members (a chair first), appointed through the actions."""
    import datetime

    from liaison.findings.store import deferred

    station = koban.station
    start = start or datetime.date(2025, 4, 1)
    with deferred():  # the council's stored findings computed once, after the last appointment
        return _make_council(station, koban, acting_user, start, count, name)


def _make_council(station, koban, acting_user, start, count, name):
    import datetime

    from liaison.councils import actions
    from liaison.councils.models import Council

    council = actions.council_create(
        station=station,
        values={
            "name": name or f"{koban.name}連絡協議会",
            "kind": Council.Kind.JURISDICTION,
            "coverage": Council.Coverage.WHOLE,
            "established_on": datetime.date(2010, 4, 1),
            "reason": "所管区の住民の意見・要望を把握するため",
        },
        kobans=[koban],
        acting_user=acting_user,
    )
    people = []
    for i, (fam, giv, fk, gk, gender, year, job, leader) in enumerate(SAMPLE_MEMBERS[:count]):
        person = make_person(
            station, fam, giv, fk, gk, gender=gender, birth_date=datetime.date(year, 6, 15), occupation=job
        )
        people.append(person)
        actions.membership_appoint(
            council=council,
            person=person,
            start_date=start,
            post="chair" if i == 0 else ("vice_chair" if i == 1 else "member"),
            leader_category=leader,
            acting_user=acting_user,
        )
    return council, people


def export_rows(response) -> list[list[str]]:
    """The rows of a list export (.xlsx or .csv, any encoding) as text, header first, for tests to read back."""
    import csv
    import io

    from openpyxl import load_workbook

    data = b"".join(response.streaming_content) if response.streaming else response.content
    if data.startswith(b"PK"):
        sheet = load_workbook(io.BytesIO(data), read_only=True).active
        return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    text = data.decode("utf-8-sig") if "Shift_JIS" not in response["Content-Type"] else data.decode("cp932")
    return list(csv.reader(io.StringIO(text)))


def export_queries(client, url: str, params: dict) -> int:
    """How many queries a list export takes (after one request to warm the session), for tests that it does not
    grow with the rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    export_rows(client.get(url, params))
    with CaptureQueriesContext(connection) as captured:
        export_rows(client.get(url, params))
    return len(captured)


def column_of(rows: list[list[str]], title: str) -> list[str]:
    """One column of an export's rows (without the header)."""
    index = rows[0].index(title)
    return [row[index] for row in rows[1:]]
