"""Writes to persons (住民等). Each action validates, saves and writes its audit entry in one transaction.

Names in kanji are kept exactly as typed (only whitespace is tidied: 髙, 﨑, 神 survive); readings are stored as
full-width katakana whatever was typed; phone numbers as digits; postal codes as 123-4567.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.audit.log import japanese, record
from liaison.lib import once
from liaison.lib.dates import check_birth_date, require_office_date
from liaison.lib.kana import READING_ERROR, clean_name, family_given_key, normalize_reading, reading_sort_key
from liaison.lib.phone import phone_digits
from liaison.lib.versioning import bump_version, save_versioned

from .models import Person, PersonNameGram, PersonReadingPrefix, PublicOfficeRecord, search_index_for
from .postal import normalize_postal_code
from .retention import cutoff_for, due_for_anonymising
from .signals import person_changed, person_merging, persons_anonymised, public_office_recorded

__all__ = [
    "PERSON_FIELDS",
    "clean_person_data",
    "person_create",
    "person_merge",
    "person_retention_apply",
    "person_update",
    "public_office_record",
]

PERSON_FIELDS = [
    "family_name",
    "given_name",
    "family_kana",
    "given_kana",
    "birth_date",
    "gender",
    "occupation",
    "organisation",
    "organisation_title",
    "postal_code",
    "address_prefecture",
    "address_city",
    "address_town",
    "address_rest",
    "phone",
    "email",
    "notes",
]
_NAME_FIELDS = ("family_name", "given_name", "occupation", "organisation", "organisation_title")
_READING_FIELDS = ("family_kana", "given_kana")


def clean_person_data(data: dict) -> dict:
    """The storable values of ``data`` (only PERSON_FIELDS); ValidationError keyed by field for what cannot be stored."""
    values = {name: data[name] for name in PERSON_FIELDS if name in data}
    errors: dict[str, str] = {}
    for name in _NAME_FIELDS:
        if name in values:
            values[name] = clean_name(values[name])
    for name in ("address_prefecture", "address_city", "address_town", "address_rest", "email"):
        if name in values:
            values[name] = (values[name] or "").strip()
    for name in _READING_FIELDS:
        if name in values:
            try:
                values[name] = normalize_reading(values[name])
            except ValueError:
                errors[name] = READING_ERROR
    if "phone" in values:
        try:
            values["phone"] = phone_digits(values["phone"]) if values["phone"] else ""
        except ValueError as error:
            errors["phone"] = str(error)
    if "postal_code" in values:
        try:
            digits = normalize_postal_code(values["postal_code"])
            values["postal_code"] = f"{digits[:3]}-{digits[3:]}" if digits else ""
        except ValueError as error:
            errors["postal_code"] = str(error)
    if "notes" in values:
        values["notes"] = values["notes"] or ""
    if values.get("birth_date") is not None:
        try:
            check_birth_date(values["birth_date"])
        except ValueError as error:
            errors["birth_date"] = str(error)
    for name in ("family_name", "given_name", "family_kana", "given_kana"):
        if name in values and not values[name] and name not in errors:
            errors[name] = _("入力してください。")
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def person_create(*, data: dict, station, acting_user, form_token: str | None = None) -> Person:
    """Record a new person for ``station``, once per form token. Duplicate checks are the caller's (queries)."""
    claim = once.claim(form_token, acting_user)
    values = clean_person_data(data)
    missing = [n for n in ("family_name", "given_name", "family_kana", "given_kana") if n not in values]
    if missing:
        raise ValidationError({n: _("入力してください。") for n in missing})
    person = Person(**values, station=station, created_by=acting_user)
    person.full_clean(exclude=["created_by", "sort_key"])
    person.save()
    record(
        user=acting_user,
        action="person.create",
        summary=f"住民等「{person.full_name}」を登録しました",
        obj=person,
        personal_data=True,
    )
    claim.done(person)
    return person


@transaction.atomic
def person_update(*, person: Person, data: dict, version: int, acting_user) -> Person:
    """Save the person if nobody saved it since ``version`` was read; else raise StaleEdit with the saved record."""
    if person.merged_into_id:
        raise ValidationError(_("この住民等は統合済みのため編集できません。統合先の記録を編集してください。"))
    values = clean_person_data(data)
    current = Person.objects.get(pk=person.pk)
    changed = sorted(name for name, value in values.items() if getattr(current, name) != value)
    for name, value in values.items():
        setattr(current, name, value)
    current.full_clean(exclude=["created_by", "merged_into", "station", "sort_key"], validate_unique=False)
    # A merge moves the version on too, so a screen opened before the record was merged away gets the conflict.
    save_versioned(current, version, [*values, "sort_key", "updated_at"])
    person.refresh_from_db()
    person_changed.send(sender=Person, person=person)
    record(
        user=acting_user,
        action="person.update",
        summary=f"住民等「{person.full_name}」を変更しました",
        obj=person,
        personal_data=True,
        detail={"fields": changed},
    )
    return person


def _links_to_person() -> list[models.ForeignKey]:
    """Every foreign key (or one-to-one) in any model that points at Person, hidden ones (M2M tables) included."""
    fields = []
    for relation in Person._meta.get_fields(include_hidden=True):
        if not relation.auto_created or relation.concrete:
            continue  # Person's own fields
        if relation.many_to_many:
            continue  # its through table's foreign keys are listed as hidden relations of their own
        field = relation.field
        if field is Person._meta.get_field("merged_into"):
            continue
        if field.model in (PersonNameGram, PersonReadingPrefix):
            continue  # the search index of each record's own names and readings, not a record about the person
        fields.append(field)
    return fields


def _move_links(field: models.ForeignKey, keep: Person, remove: Person) -> int:
    model = field.model
    manager = model._base_manager
    if model._meta.auto_created:
        # An automatic M2M table is a set: drop rows that would duplicate a link keep already has.
        other = next(f for f in model._meta.fields if f.is_relation and f is not field and f.name != "id")
        already = manager.filter(**{field.name: keep}).values(other.attname)
        manager.filter(**{field.name: remove, f"{other.attname}__in": already}).delete()
    try:
        with transaction.atomic():
            return manager.filter(**{field.name: remove}).update(**{field.name: keep})
    except IntegrityError as error:
        raise ValidationError(
            _("%(records)sが両方の記録に登録されているため統合できません。先にどちらかを整理してください。")
            % {"records": model._meta.verbose_name}
        ) from error


@transaction.atomic
def person_merge(*, keep: Person, remove: Person, acting_user) -> Person:
    """Move every record that points at ``remove`` to ``keep`` (N2.2) and mark ``remove`` as merged into ``keep``.

    Works for any model of any app with a foreign key to Person, including ones added later. The removed row is
    kept for history with ``merged_into`` set; lists leave it out.
    """
    if keep.pk == remove.pk:
        raise ValidationError(_("同じ記録どうしは統合できません。"))
    locked = {p.pk: p for p in Person.objects.select_for_update().filter(pk__in=[keep.pk, remove.pk])}
    if len(locked) != 2:
        raise ValidationError(_("統合する記録が見つかりません。"))
    if locked[keep.pk].merged_into_id or locked[remove.pk].merged_into_id:
        raise ValidationError(_("統合済みの記録は統合できません。"))
    person_merging.send(sender=Person, keep=locked[keep.pk], remove=locked[remove.pk])
    moved = {}
    for field in _links_to_person():
        count = _move_links(field, keep, remove)
        if count:
            moved[f"{field.model._meta.label}.{field.name}"] = count
    bump_version(Person.objects.filter(pk=remove.pk), merged_into=keep, updated_at=timezone.now())
    bump_version(Person.objects.filter(pk=keep.pk), updated_at=timezone.now())
    keep.refresh_from_db()
    remove.refresh_from_db()
    person_changed.send(sender=Person, person=keep)  # keep now holds what pointed at remove
    record(
        user=acting_user,
        action="person.merge",
        summary=f"住民等「{remove.full_name}」（ID {remove.pk}）を「{keep.full_name}」（ID {keep.pk}）に統合しました",
        obj=keep,
        personal_data=True,
        detail={"keep": keep.pk, "remove": remove.pk, "moved": moved},
    )
    return keep


@transaction.atomic
def public_office_record(
    *,
    person: Person,
    kind: str,
    office: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    note: str = "",
    acting_user,
    form_token: str | None = None,
) -> PublicOfficeRecord:
    """Record a candidacy for or holding of public office, once per form token; listeners end memberships (C6.4(1))."""
    claim = once.claim(form_token, acting_user)
    if person.merged_into_id:
        raise ValidationError(_("この住民等は統合済みです。統合先の記録に登録してください。"))
    if kind not in PublicOfficeRecord.Kind.values:
        raise ValidationError({"kind": _("区分を選んでください。")})
    office = clean_name(office)
    if not office:
        raise ValidationError({"office": _("公職名を入力してください。")})
    require_office_date(start_date, field="start_date")
    if end_date is not None:
        require_office_date(end_date, field="end_date")
    if end_date is not None and end_date < start_date:
        raise ValidationError({"end_date": _("終了日は開始日以降の日付にしてください。")})
    entry = PublicOfficeRecord.objects.create(
        person=person, kind=kind, office=office, start_date=start_date, end_date=end_date, note=note.strip()
    )
    record(
        user=acting_user,
        action="person.public_office",
        summary=f"住民等「{person.full_name}」の{japanese(entry.get_kind_display)}（{office}）を登録しました",
        obj=person,
        personal_data=True,
        detail={"record": entry.pk, "kind": kind, "office": office, "start_date": start_date.isoformat()},
    )
    public_office_recorded.send(sender=PublicOfficeRecord, person=person, record=entry, acting_user=acting_user)
    claim.done(entry)
    return entry


# What an anonymised person's name and reading become: the id keeps rows apart on lists that still show them.
ANONYMISED_NAME = "匿名化済み"
ANONYMISED_READING = "トクメイカ"
# Cleared: everything that identifies or reaches the person. Gender and occupation stay (the composition figures of
# councils count them, and neither identifies a person on its own).
_ANONYMISED_VALUES = {
    "family_kana": ANONYMISED_READING,
    "given_kana": ANONYMISED_READING,
    "birth_date": None,
    "organisation": "",
    "organisation_title": "",
    "postal_code": "",
    "address_prefecture": "",
    "address_city": "",
    "address_town": "",
    "address_rest": "",
    "phone": "",
    "email": "",
    "notes": "",
}


@transaction.atomic
def person_retention_apply(*, years: int, day: datetime.date, acting_user) -> list[tuple[int, int]]:
    """Anonymise everyone past the retention period (``retention.due_for_anonymising``); [(person id, station id)].

    The rows and their links stay, so every figure keeps counting them; public-office records keep their kind and
    dates but lose the office's name and note. Writes one audit entry with the counts and ids, never a name. Running
    it again finds nobody new (the anonymised carry ``anonymised_at``).
    """
    due = list(due_for_anonymising(day=day, years=years).select_for_update().values_list("pk", "station_id"))
    if not due:
        return []
    ids = [pk for pk, _station in due]
    now = timezone.now()
    probe = Person(**{k: v for k, v in _ANONYMISED_VALUES.items() if k.endswith("_kana")})
    probe.sort_key = family_given_key(probe.family_kana, probe.given_kana)
    for start in range(0, len(ids), 500):  # bounded IN lists on both databases
        chunk = ids[start : start + 500]
        rows = Person.objects.filter(pk__in=chunk)
        bump_version(
            rows,
            **_ANONYMISED_VALUES,
            family_name=ANONYMISED_NAME,
            given_name=Cast("id", models.CharField(max_length=30)),
            sort_key=probe.sort_key,
            given_key=reading_sort_key(probe.given_kana),
            anonymised_at=now,
            updated_at=now,
        )
        PersonNameGram.objects.filter(person_id__in=chunk).delete()
        PersonReadingPrefix.objects.filter(person_id__in=chunk).delete()
        rows = [row for person in Person.objects.filter(pk__in=chunk) for row in search_index_for(person)]
        PersonNameGram.objects.bulk_create([row for row in rows if isinstance(row, PersonNameGram)])
        PersonReadingPrefix.objects.bulk_create([row for row in rows if isinstance(row, PersonReadingPrefix)])
        PublicOfficeRecord.objects.filter(person_id__in=chunk).update(office=ANONYMISED_NAME, note="")
        persons_anonymised.send(sender=Person, person_ids=chunk)
    stations: dict[int, int] = {}
    for _pk, station in due:
        stations[station] = stations.get(station, 0) + 1
    record(
        user=acting_user,
        action="person.retention",
        summary=f"保存期間（役割の終了後{years}年）を過ぎた住民等{len(ids)}人を匿名化しました",
        personal_data=True,
        detail={
            "years": years,
            "cutoff": cutoff_for(day, years).isoformat(),
            "count": len(ids),
            "people": [{"id": pk, "station": station} for pk, station in due],
            "by_station": {str(k): v for k, v in sorted(stations.items())},
        },
    )
    return due
