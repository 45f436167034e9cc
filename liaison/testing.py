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
