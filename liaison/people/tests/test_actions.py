import datetime

import pytest
from django.core.exceptions import ValidationError

from liaison.audit.models import AuditEntry
from liaison.councils.models import Council, Membership
from liaison.lib.versioning import StaleEdit
from liaison.people import actions, postal, queries
from liaison.people.models import Person, PublicOfficeRecord
from liaison.people.signals import public_office_recorded

pytestmark = pytest.mark.django_db

D = datetime.date


def _data(**overrides):
    data = {"family_name": "山田", "given_name": "太郎", "family_kana": "ヤマダ", "given_kana": "タロウ"}
    data.update(overrides)
    return data


def _create(world, **overrides):
    return actions.person_create(
        data=_data(**overrides), station=world.station_a, acting_user=world.user("community_section")
    )


def test_readings_typed_in_hiragana_or_half_width_are_stored_as_katakana(world):
    """X3: readings are stored as full-width katakana whatever was typed."""
    person = _create(world, family_kana="やまだ", given_kana="ﾀﾛｳ")
    assert (person.family_kana, person.given_kana) == ("ヤマダ", "タロウ")
    assert person.sort_key.startswith("ヤマタ|")


def test_kanji_names_are_kept_exactly_as_typed(world):
    """X3: compatibility ideographs survive (never NFKC a kanji name); only whitespace is tidied."""
    person = _create(world, family_name="\u3000\u9ad9\ufa11 ", given_name="\ufa19")  # 髙﨑 神
    person.refresh_from_db()
    assert person.family_name == "\u9ad9\ufa11"
    assert person.given_name == "\ufa19"


def test_phone_and_postal_code_are_stored_normalised(world):
    person = _create(world, phone="０２２－１２３－４５６７", postal_code="９８００８１１")
    assert person.phone == "0221234567"
    assert person.postal_code == "980-0811"


def test_bad_reading_and_phone_are_refused_in_japanese(world):
    with pytest.raises(ValidationError) as error:
        _create(world, family_kana="Yamada", phone="12345")
    assert "カタカナ" in error.value.message_dict["family_kana"][0]
    assert "電話番号" in error.value.message_dict["phone"][0]


def test_create_is_audited_as_personal_data(world):
    """X2: changes to civilians' data are logged."""
    person = _create(world)
    entry = AuditEntry.objects.get(action="person.create")
    assert entry.personal_data and entry.object_id == str(person.pk) and entry.station_id == world.station_a.pk


def test_update_with_a_stale_version_raises_and_keeps_the_saved_values(world):
    """Nothing is lost: a stale save is refused with the current record."""
    person = _create(world)
    user = world.user("community_section")
    actions.person_update(person=person, data=_data(occupation="会社員"), version=1, acting_user=user)
    with pytest.raises(StaleEdit) as stale:
        actions.person_update(person=person, data=_data(occupation="自営業"), version=1, acting_user=user)
    assert stale.value.current.occupation == "会社員"
    person.refresh_from_db()
    assert (person.occupation, person.version) == ("会社員", 2)


def test_update_recomputes_the_sort_key(world):
    """X3: a changed reading moves the person in 五十音順."""
    person = _create(world)
    actions.person_update(
        person=person, data=_data(family_kana="あべ"), version=1, acting_user=world.user("community_section")
    )
    person.refresh_from_db()
    assert person.family_kana == "アベ" and person.sort_key.startswith("アヘ|")


def test_likely_duplicates_by_reading_and_birth_date_or_by_phone(world):
    """N2.2: one person is recorded once; same reading + birth date, or same phone, is flagged."""
    a = _create(world, birth_date=D(1960, 4, 1))
    b = _create(world, family_name="鈴木", family_kana="スズキ", phone="090-1111-2222")
    found = queries.likely_duplicates(
        family_kana="やまだ", given_kana="たろう", birth_date=D(1960, 4, 1), phone="", station_ids=[world.station_a.pk]
    )
    assert found == [a]
    found = queries.likely_duplicates(
        family_kana="タナカ", given_kana="ハナコ", birth_date=None, phone="09011112222", queryset=Person.objects.all()
    )
    assert found == [b]
    assert not queries.likely_duplicates(
        family_kana="ヤマダ", given_kana="タロウ", birth_date=D(1960, 4, 2), phone="", exclude_pk=None
    )
    assert not queries.likely_duplicates(
        family_kana="ヤマダ", given_kana="タロウ", birth_date=D(1960, 4, 1), phone="", exclude_pk=a.pk
    )
    assert not queries.likely_duplicates(
        family_kana="ヤマダ", given_kana="タロウ", birth_date=D(1960, 4, 1), phone="", station_ids=[world.station_b.pk]
    )


def test_merge_moves_memberships_and_public_offices_and_is_audited(world):
    """N2.2: merging two records of one civilian moves every link (councils' memberships too) to the one kept. X2: audited."""
    keep = _create(world, birth_date=D(1960, 4, 1))
    remove = _create(world, given_name="太朗", phone="09012345678")
    council = Council.objects.create(station=world.station_a, name="一番町交番連絡協議会", established_on=D(2020, 4, 1))
    membership = Membership.objects.create(
        council=council, person=remove, station=world.station_a, start_date=D(2024, 4, 1), end_date=D(2026, 3, 31)
    )
    office = PublicOfficeRecord.objects.create(
        person=remove, kind=PublicOfficeRecord.Kind.CANDIDACY, office="仙台市議会議員", start_date=D(2025, 7, 1)
    )
    actions.person_merge(keep=keep, remove=remove, acting_user=world.user("station_chief"))
    membership.refresh_from_db()
    office.refresh_from_db()
    remove.refresh_from_db()
    assert membership.person == keep
    assert office.person == keep
    assert remove.merged_into == keep
    assert list(queries.current()) == [keep]
    entry = AuditEntry.objects.get(action="person.merge")
    assert entry.personal_data
    assert entry.detail["keep"] == keep.pk and entry.detail["remove"] == remove.pk
    assert entry.detail["moved"]["councils.Membership.person"] == 1


def test_merged_records_cannot_be_merged_again_or_edited(world):
    keep, remove = _create(world), _create(world, given_name="次郎", given_kana="ジロウ")
    user = world.user("station_chief")
    actions.person_merge(keep=keep, remove=remove, acting_user=user)
    with pytest.raises(ValidationError):
        actions.person_merge(keep=keep, remove=remove, acting_user=user)
    with pytest.raises(ValidationError):
        actions.person_merge(keep=keep, remove=keep, acting_user=user)
    with pytest.raises(ValidationError):
        actions.person_update(person=remove, data=_data(), version=remove.version, acting_user=user)


def test_public_office_record_sends_the_signal(world):
    """C6.4(1): recording a candidacy or office tells listeners (councils end the membership)."""
    person = _create(world)
    received = []

    def listener(sender, person, record, acting_user, **kwargs):
        received.append((person.pk, record.office, acting_user))

    public_office_recorded.connect(listener)
    try:
        user = world.user("community_section")
        record = actions.public_office_record(
            person=person, kind="candidacy", office="仙台市議会議員", start_date=D(2025, 7, 1), acting_user=user
        )
    finally:
        public_office_recorded.disconnect(listener)
    assert received == [(person.pk, "仙台市議会議員", user)]
    assert person.public_office_on(D(2025, 7, 2)) == record
    assert AuditEntry.objects.get(action="person.public_office").personal_data


def test_public_office_end_before_start_is_refused(world):
    person = _create(world)
    with pytest.raises(ValidationError):
        actions.public_office_record(
            person=person,
            kind="office",
            office="町長",
            start_date=D(2025, 7, 1),
            end_date=D(2025, 6, 30),
            acting_user=world.user("community_section"),
        )


@pytest.mark.parametrize("code", ["9800811", "980-0811", "９８０－０８１１", "〒980 0811"])
def test_postal_lookup_accepts_the_ways_codes_are_typed(code):
    assert postal.lookup(code) == {"prefecture": "宮城県", "city": "仙台市青葉区", "town": "一番町"}


def test_postal_lookup_unknown_or_malformed_gives_none_and_whole_city_codes_have_no_town():
    assert postal.lookup("0000000") is None
    assert postal.lookup("98008") is None
    assert postal.lookup("") is None
    assert postal.lookup("9800000") == {"prefecture": "宮城県", "city": "仙台市青葉区", "town": ""}
