import random
import sys
import textwrap

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from faker import Faker

from liaison.demo.builders import DEMO_LOGINS, DEMO_PASSWORD
from liaison.demo.management.commands.load_demo import load, run_extensions
from liaison.org.models import HQDivision, Koban, Officer, Station

pytestmark = pytest.mark.django_db


# The organisation alone: the councils' demo data has its own tests (liaison/councils/tests/test_demo.py).
ORGANISATION_ONLY: list[str] = []


@pytest.fixture
def demo():
    return load(seed=7, extensions=ORGANISATION_ONLY)


def _snapshot():
    return list(
        Officer.objects.order_by("pk").values_list(
            "user__username",
            "family_name",
            "given_name",
            "family_kana",
            "given_kana",
            "rank",
            "title",
            "role",
            "station__name",
            "koban__name",
        )
    )


class _Rollback(Exception):
    pass


def _build_and_roll_back(seed):
    try:
        with transaction.atomic():
            load(seed, extensions=ORGANISATION_ONLY)
            snapshot = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    assert not Officer.objects.exists()
    return snapshot


def test_counts_and_structure(demo):
    assert Station.objects.count() == 12
    assert Koban.objects.count() == 60
    assert 380 <= Officer.objects.count() <= 420
    assert HQDivision.objects.filter(is_community=True).get().name == "地域部地域課"
    for station in Station.objects.all():
        roles = list(station.officers.values_list("role", flat=True))
        assert roles.count(Officer.Role.STATION_CHIEF) == 1, station
        assert roles.count(Officer.Role.DEPUTY) == 1, station
        assert station.sections.filter(name="地域課", is_community=True).exists(), station
        assert station.kobans.filter(kind=Koban.Kind.KOBAN).exists(), station
    for koban in Koban.objects.all():
        officers = list(koban.officers.all())
        assert [o.role for o in officers].count(Officer.Role.KOBAN_CHIEF) == 1, koban
        assert all(o.station_id == koban.station_id and o.section.is_community for o in officers), koban
        assert koban.jurisdiction_name.endswith("地区") and koban.municipality
    assert Koban.objects.filter(kind=Koban.Kind.CHUZAISHO).exists()
    assert not Officer.objects.filter(station__isnull=True).exclude(role__in=["hq_admin", "hq_staff"]).exists()
    assert Officer.objects.filter(role="hq_admin").count() >= 2
    generated = Officer.objects.exclude(user__username__startswith="demo_").select_related("user")
    assert all(not o.user.has_usable_password() and o.user.username.startswith("o") for o in generated)


def test_demo_logins_are_the_expected_officers(demo):
    for username, role in DEMO_LOGINS.items():
        officer = Officer.objects.select_related("user").get(user__username=username)
        assert officer.role == role
        assert officer.user.check_password(DEMO_PASSWORD)
    chief = Officer.objects.get(user__username="demo_chief")
    assert chief.station.name == "青葉警察署" and chief.title == "署長"
    first_koban = chief.station.kobans.order_by("order").first()
    for username in ("demo_koban_chief", "demo_koban_staff"):
        assert Officer.objects.get(user__username=username).koban == first_koban
    assert Officer.objects.get(user__username="demo_section").section.name == "生活安全課"
    assert Officer.objects.get(user__username="demo_community").section.is_community


def test_demo_login_through_the_login_backends(demo, rf):
    # Through authenticate() with a request, as the login form calls it.
    for username in ("demo_hq_admin", "demo_koban_staff"):
        request = rf.post("/login/")
        user = authenticate(request, username=username, password=DEMO_PASSWORD)
        assert user is not None and user.officer.role == DEMO_LOGINS[username]
    assert authenticate(rf.post("/login/"), username="o0001", password=DEMO_PASSWORD) is None


def test_same_seed_gives_the_same_data():
    first = _build_and_roll_back(3)
    second = _build_and_roll_back(3)
    assert len(first) == len(second) >= 380
    assert first == second
    assert _build_and_roll_back(4) != first


def test_if_empty_on_existing_data_changes_nothing(demo, capsys):
    before = _snapshot()
    call_command("load_demo", "--if-empty")
    assert "作成しませんでした" in capsys.readouterr().out
    assert _snapshot() == before
    with pytest.raises(CommandError, match="空のデータベース"):
        call_command("load_demo")
    assert _snapshot() == before


def test_demo_logins_command_lists_the_logins(demo, capsys, monkeypatch):
    monkeypatch.delenv("PORT", raising=False)
    call_command("demo_logins")
    out = capsys.readouterr().out
    assert all(username in out for username in DEMO_LOGINS)
    assert "青葉警察署 一番町交番" in out and "http://127.0.0.1:8000/" in out


def test_demo_logins_print_the_port_the_server_listens_on(demo, capsys, monkeypatch):
    monkeypatch.setenv("PORT", "8765")
    call_command("demo_logins")
    assert "URL: http://127.0.0.1:8765/" in capsys.readouterr().out


def test_extensions_contract(tmp_path, monkeypatch):
    (tmp_path / "demo_ext_ok.py").write_text(
        textwrap.dedent(
            """
            def build(*, rng, fake, org):
                org["seen"] = (type(rng).__name__, type(fake).__name__)
            """
        )
    )
    (tmp_path / "demo_ext_broken.py").write_text("import liaison_no_such_module_xyz\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "demo_ext_ok", raising=False)
    org = {}
    ran = run_extensions(
        random.Random(1), Faker("ja_JP"), org, ["no_such_pkg.demo", "liaison.no_such.demo", "demo_ext_ok"]
    )
    assert ran == ["demo_ext_ok"] and org["seen"] == ("Random", "Faker")
    with pytest.raises(ImportError):
        run_extensions(random.Random(1), Faker("ja_JP"), org, ["demo_ext_broken"])
