import datetime
import shutil
import subprocess

import pytest

from liaison.councils.models import Council, Membership
from liaison.org.models import Rank
from liaison.people.models import Person

MEMBERS = [
    ("青木", "花子", "アオキ", "ハナコ", datetime.date(1950, 6, 1), Membership.Post.MEMBER),
    ("髙橋", "次郎", "タカハシ", "ジロウ", datetime.date(1948, 4, 2), Membership.Post.CHAIR),
    ("伊藤", "三郎", "イトウ", "サブロウ", datetime.date(1960, 1, 15), Membership.Post.VICE_CHAIR),
    ("渡辺", "久美子", "ワタナベ", "クミコ", datetime.date(1970, 12, 31), Membership.Post.MEMBER),
    ("山本", "健", "ヤマモト", "ケン", datetime.date(1955, 3, 3), Membership.Post.OTHER),
    ("中村", "和子", "ナカムラ", "カズコ", datetime.date(1965, 7, 7), Membership.Post.MEMBER),
    ("小林", "誠", "コバヤシ", "マコト", datetime.date(1958, 8, 8), Membership.Post.MEMBER),
    ("加藤", "恵", "カトウ", "メグミ", datetime.date(1972, 9, 9), Membership.Post.MEMBER),
    ("吉田", "実", "ヨシダ", "ミノル", datetime.date(1949, 10, 10), Membership.Post.MEMBER),
    ("山田", "洋子", "ヤマダ", "ヨウコ", datetime.date(1962, 11, 11), Membership.Post.MEMBER),
]

TERM_START = datetime.date(2025, 4, 1)
TERM_END = datetime.date(2027, 3, 31)


def make_person(station, family, given, family_kana, given_kana, birth_date, **extra):
    return Person.objects.create(
        station=station,
        family_name=family,
        given_name=given,
        family_kana=family_kana,
        given_kana=given_kana,
        birth_date=birth_date,
        **extra,
    )


def make_council(world, *, koban=None, name="一番町交番連絡協議会", members=MEMBERS, start=TERM_START, end=TERM_END):
    """A council of station A covering ``koban`` (一番町交番 by default) with its members."""
    station = (koban or world.koban_a).station
    manager = world.officers["koban_chief"] if koban is None else None
    if manager is not None:
        manager.title = "一番町交番所長"
        manager.save()
    council = Council.objects.create(
        station=station,
        name=name,
        kind=Council.Kind.JURISDICTION,
        reason="所管区の地域住民の意見・要望を把握するため",
        established_on=start,
        operation_manager=manager,
    )
    council.kobans.add(koban or world.koban_a)
    for family, given, fk, gk, birth, post in members:
        person = make_person(
            station, family, given, fk, gk, birth, organisation="一番町町内会", organisation_title="役員"
        )
        Membership.objects.create(
            council=council,
            person=person,
            station=station,
            start_date=start,
            end_date=end,
            post=post,
            post_title="会計" if post == Membership.Post.OTHER else "",
            letter_date=datetime.date(2025, 3, 25),
        )
    return council


@pytest.fixture
def council(world):
    chief = world.officers["station_chief"]
    chief.family_name, chief.given_name, chief.rank = "鈴木", "正義", Rank.KEISHI
    chief.save()
    return make_council(world)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def poppler(tool: str, pdf: bytes, tmp_path, *args: str) -> str:
    if shutil.which(tool) is None:
        pytest.skip(f"{tool} (poppler-utils) is not installed")
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    cmd = [tool, *args, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
