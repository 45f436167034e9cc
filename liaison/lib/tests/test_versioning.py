"""The shared optimistic-locking helper: one conditional claim per save, the loser gets the saved record."""

import datetime as dt

import pytest

from liaison.councils.models import Council
from liaison.lib.versioning import StaleEdit, VersionedForm, bump_version, save_versioned
from liaison.org.models import PrefectureSettings
from liaison.people.models import Person
from liaison.testing import make_person

pytestmark = pytest.mark.django_db


def _council(world):
    council = Council.objects.create(
        station=world.station_a, name="一番町交番連絡協議会", established_on=dt.date(2010, 4, 1)
    )
    council.kobans.add(world.koban_a)
    return council


def _two_saves(model, pk, field, first, second):
    """Two copies read at the same version; the first save wins, the second raises StaleEdit with the saved row."""
    one, two = model.objects.get(pk=pk), model.objects.get(pk=pk)
    setattr(one, field, first)
    save_versioned(one, one.version, [field])
    setattr(two, field, second)
    with pytest.raises(StaleEdit) as stale:
        save_versioned(two, two.version, [field])
    saved = model.objects.get(pk=pk)
    assert getattr(saved, field) == first and saved.version == 2 and one.version == 2
    assert getattr(stale.value.current, field) == first and stale.value.current.version == 2
    return saved


def test_x4_settings_second_save_from_the_same_version_is_refused():
    """X4: the prefecture settings go through the shared helper."""
    _two_saves(PrefectureSettings, PrefectureSettings.current().pk, "hq_doc_prefix", "宮本地第", "香本地第")


def test_c3_1_council_second_save_from_the_same_version_is_refused(world):
    """C3.1: a council's particulars go through the shared helper."""
    _two_saves(Council, _council(world).pk, "area_description", "一番町一丁目", "国分町")


def test_n2_person_second_save_from_the_same_version_is_refused_and_derived_fields_follow(world):
    """N2: a person goes through the shared helper; the model's own save still computes the sort key, and writes it
    with the reading even when the caller did not list it (a reading never goes without its key)."""
    person = make_person(world.station_a)
    saved = _two_saves(Person, person.pk, "family_kana", "アベ", "イトウ")
    assert saved.sort_key != person.sort_key and saved.sort_key.startswith("アヘ|")

    fresh = Person.objects.get(pk=person.pk)
    fresh.family_kana = "イトウ"
    save_versioned(fresh, fresh.version, ["family_kana", "sort_key", "updated_at"])
    fresh = Person.objects.get(pk=person.pk)
    assert fresh.sort_key.startswith("イトウ|") and fresh.updated_at > person.updated_at and fresh.version == 3


def test_other_writes_bump_the_version_so_open_edit_screens_go_stale(world):
    """Nothing is lost: a write outside the edit screen (bylaws, reorganisation) makes an open screen stale."""
    council = _council(world)
    bump_version(Council.objects.filter(pk=council.pk), bylaws="bylaws/2025/kiyaku.pdf")
    council.name = "古い画面からの名称"
    with pytest.raises(StaleEdit):
        save_versioned(council, 1, ["name"])
    assert Council.objects.get(pk=council.pk).name == "一番町交番連絡協議会"


@pytest.mark.parametrize(
    ("posted", "read"),
    [
        ("3", 3),
        ("", 0),
        ("abc", 0),
        ("３", 0),
        ("-1", 0),
        ("99999999999999999999999999", 0),
        ("9" * 5000, 0),
        (" 2 ", 2),
    ],
)
def test_a_hidden_version_that_is_missing_or_nonsense_never_matches_and_never_errors(posted, read):
    """An unreadable version is "not the current one": the user gets the conflict screen, never a hidden error."""
    form = VersionedForm({"version": posted})
    assert form.is_valid() and form.read_version == read
