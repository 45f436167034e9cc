"""Civilians (住民等), recorded once and shared by every programme (councils, the safety network)."""

import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from liaison.lib.dates import age_on, today_tokyo
from liaison.lib.fields import SortKeyField
from liaison.lib.kana import family_given_key, reading_sort_key
from liaison.lib.phone import format_phone
from liaison.lib.versioning import Versioned

from .name_grams import name_grams, reading_prefixes


class Person(Versioned):
    """One civilian. The kanji name is stored as typed (never NFKC: 髙, 﨑, 神 survive); readings are katakana."""

    STATION_PATH = "station"

    class Gender(models.TextChoices):
        FEMALE = "female", _("女性")
        MALE = "male", _("男性")
        OTHER = "other", _("その他")
        NO_ANSWER = "no_answer", _("回答しない")

    station = models.ForeignKey(
        "org.Station", verbose_name=_("登録した警察署"), on_delete=models.PROTECT, related_name="people"
    )
    family_name = models.CharField(_("姓"), max_length=30)
    given_name = models.CharField(_("名"), max_length=30)
    family_kana = models.CharField(_("セイ"), max_length=60)
    given_kana = models.CharField(_("メイ"), max_length=60)
    sort_key = SortKeyField(max_length=130, editable=False, db_index=True)
    # The given name's reading key, indexed for prefix search by given name (the family's is sort_key's start).
    given_key = SortKeyField(max_length=65, editable=False, db_index=True, default="")
    birth_date = models.DateField(_("生年月日"), null=True, blank=True)
    gender = models.CharField(_("性別"), max_length=10, choices=Gender.choices, blank=True)
    occupation = models.CharField(_("職業"), max_length=60, blank=True)
    organisation = models.CharField(_("団体名"), max_length=100, blank=True)
    organisation_title = models.CharField(_("役職"), max_length=60, blank=True)
    postal_code = models.CharField(_("郵便番号"), max_length=8, blank=True, db_index=True)
    address_prefecture = models.CharField(_("都道府県"), max_length=10, blank=True)
    address_city = models.CharField(_("市区町村"), max_length=40, blank=True)
    address_town = models.CharField(_("町域"), max_length=60, blank=True)
    address_rest = models.CharField(_("番地・建物"), max_length=100, blank=True)
    phone = models.CharField(_("電話番号"), max_length=11, blank=True, db_index=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    notes = models.TextField(_("備考"), blank=True)
    # Indexed only where set (see Meta.indexes): lists ask for ``merged_into IS NULL``, which is nearly every row.
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("統合先"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when the retention period passed and the particulars were removed (``actions.person_retention_apply``):
    # the row and its links stay so that figures keep counting it.
    anonymised_at = models.DateTimeField(_("匿名化日時"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["sort_key", "pk"]
        verbose_name = _("住民等")
        verbose_name_plural = _("住民等")
        indexes = [
            models.Index(fields=["family_kana", "given_kana", "birth_date"], name="person_reading_birth"),
            # Only merged rows: without statistics SQLite planned the list's ``merged_into IS NULL`` on a full index
            # of this column (it matches nearly every row) and sorted the whole table instead of walking sort_key.
            # A partial index cannot answer IS NULL, so the list walks sort_key; ``merged_into = ?`` still uses it.
            models.Index(
                fields=["merged_into"], condition=models.Q(merged_into__isnull=False), name="person_merged_into"
            ),
            # A station's search by reading (its pickers and lists) reads the station's people in the typed range;
            # with the keys' own indexes PostgreSQL read the whole prefecture's range and kept the station's rows
            # (at ten times a prefecture, 40,000 index entries for a station's hundred).
            models.Index(fields=["station", "sort_key"], name="person_station_sort_key"),
            models.Index(fields=["station", "given_key"], name="person_station_given_key"),
        ]

    def __str__(self):
        return self.full_name

    def save(self, *args, **kwargs):
        self.sort_key = family_given_key(self.family_kana, self.given_kana)
        self.given_key = reading_sort_key(self.given_kana)
        fields = kwargs.get("update_fields")
        if fields is not None and {"family_kana", "given_kana", "sort_key"} & set(fields):
            # The reading keys are derived from the readings and written with them, so they cannot go stale.
            fields = kwargs["update_fields"] = {*fields, "sort_key", "given_key"}
        adding = self._state.adding
        super().save(*args, **kwargs)
        if fields is None or {"family_name", "given_name"} & set(fields):
            PersonNameGram.refresh(self, created=adding)
        elif "sort_key" in fields:  # the reading key written: the grams' copy of it follows
            PersonNameGram.objects.filter(person_id=self.pk).update(sort_key=self.sort_key)
        if fields is None or "sort_key" in fields:  # the readings are written only with their key
            PersonReadingPrefix.refresh(self, created=adding)

    @property
    def full_name(self) -> str:
        return f"{self.family_name} {self.given_name}"

    @property
    def full_kana(self) -> str:
        return f"{self.family_kana} {self.given_kana}"

    @property
    def address(self) -> str:
        return f"{self.address_prefecture}{self.address_city}{self.address_town}{self.address_rest}"

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone) if self.phone else ""

    def age(self, on: datetime.date | None = None) -> int | None:
        """Age in full years on a date (today in Tokyo by default); None when the birth date is unknown or after the
        date (a birth date stored before it was validated must not break the pages that show ages)."""
        on = on or today_tokyo()
        if self.birth_date is None or self.birth_date > on:
            return None
        return age_on(self.birth_date, on)

    @classmethod
    def koban_scope(cls, koban_id: int) -> models.Q:
        """The people a koban-level role of ``koban_id`` may change (X2; the rule is in ``koban_ties.scope``)."""
        from .koban_ties import scope

        return scope(koban_id)

    def public_office_on(self, day: datetime.date) -> "PublicOfficeRecord | None":
        """The candidacy or office this person holds on ``day`` (C6.4(1)), if any. Uses prefetched records."""
        for record in self.public_offices.all():
            if record.covers(day):
                return record
        return None


class PublicOfficeRecord(models.Model):
    """公職: a candidacy for, or holding of, public office (heads of local government, assembly members …)."""

    STATION_PATH = "person__station"

    class Kind(models.TextChoices):
        CANDIDACY = "candidacy", _("公職の候補者")
        OFFICE = "office", _("公職")

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="public_offices")
    kind = models.CharField(_("区分"), max_length=10, choices=Kind.choices)
    office = models.CharField(_("公職名"), max_length=100, help_text=_("例: 仙台市議会議員、○○町長"))
    start_date = models.DateField(_("開始日"))
    end_date = models.DateField(_("終了日"), null=True, blank=True)
    note = models.CharField(_("備考"), max_length=200, blank=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = _("公職歴")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True) | models.Q(end_date__gte=models.F("start_date")),
                name="public_office_end_after_start",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.office}"

    def covers(self, day: datetime.date) -> bool:
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class PersonNameGram(models.Model):
    """One character, or pair of adjacent characters, of a person's family or given name: the index of the name
    search by any part (``queries.search``), derived from the names and rewritten whenever they are saved.

    Why a table of our own: Japanese names are mostly one to three characters, so the common search is one or two
    characters long. A ``LIKE '%佐藤%'`` reads every row on SQLite, and PostgreSQL's trigram index cannot narrow a
    term shorter than three characters. A b-tree on (gram, person) answers a term of one or two characters with
    one range, and a longer one with the rows holding all its pairs, on both databases and without statistics.
    Every person has their grams, merged ones included (the search is a filter on any set of persons). Writes that
    bypass ``Person.save`` (bulk inserts: the scale generator) must call :func:`grams_for` themselves, and a change of
    how ``Person.sort_key`` is computed must rewrite the copy here too.

    Each row carries the person's reading key (``sort_key``, a copy of ``Person.sort_key``): the search's first page
    (``queries.search_in_order``) is then read from the (gram, sort_key, person) index in 五十音順, checking rows
    until the page is full, instead of finding every person holding the gram (5,800 for 佐藤 at ten times the
    largest prefecture) and sorting them.
    """

    # ``related_query_name``: the ordered search joins the grams from Person; no manager on Person (``related_name``).
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", related_query_name="name_grams")
    gram = models.CharField(max_length=2)
    sort_key = SortKeyField(max_length=130, editable=False, default="")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["gram", "person"], name="person_name_gram")]
        indexes = [models.Index(fields=["gram", "sort_key", "person"], name="person_name_gram_reading")]

    def __str__(self):
        return self.gram

    @classmethod
    def refresh(cls, person: Person, *, created: bool = False) -> None:
        """Rewrite ``person``'s grams from their names (the caller saved them; one or two queries)."""
        if not created:
            cls.objects.filter(person_id=person.pk).delete()
        cls.objects.bulk_create(grams_for(person))


def grams_for(person: Person) -> list[PersonNameGram]:
    """Unsaved gram rows of ``person`` (who must have an id), for bulk inserts."""
    return [PersonNameGram(person_id=p, gram=g, sort_key=k) for p, g, k in gram_values(person)]


GRAM_COLUMNS = ["person_id", "gram", "sort_key"]


def gram_values(person: Person) -> list[tuple[int, str, str]]:
    """The values (``GRAM_COLUMNS``) of ``person``'s gram rows, for writers that take plain rows."""
    return [(person.pk, g, person.sort_key) for g in sorted(name_grams(person.family_name, person.given_name))]


class PersonReadingPrefix(models.Model):
    """The first one, two and three letters of a person's family and given readings (their primary key parts, so サ
    stands for ザ too): the index of the search by the start of a reading (``queries.search_in_order``), derived from
    the readings and rewritten whenever they are saved.

    Why a table of our own: 「サ」 matches the family reading of some people and the given reading of others. The
    family matches are one range of ``Person.sort_key``, but the given ones are spread over it, so the database had to
    collect every match (30,000 at ten times the largest prefecture) and sort them to show the first fifty. A row per
    prefix, carrying the person's reading key, lets the (prefix, sort_key, person) index give both kinds in 五十音順,
    and the page is read until it is full. A longer reading is looked up by its first three letters and checked by
    the reading itself. Writes that bypass ``Person.save`` (bulk inserts, the anonymising of old records) must call
    :func:`reading_prefixes_for` themselves, as they do :func:`grams_for`.
    """

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", related_query_name="reading_prefixes"
    )
    prefix = models.CharField(max_length=3)
    sort_key = SortKeyField(max_length=130, editable=False, default="")

    class Meta:
        # No unique constraint: the rows are a set by construction, and a second index would double their cost.
        indexes = [models.Index(fields=["prefix", "sort_key", "person"], name="person_reading_prefix_order")]

    def __str__(self):
        return self.prefix

    @classmethod
    def refresh(cls, person: Person, *, created: bool = False) -> None:
        """Rewrite ``person``'s prefixes from their readings (the caller saved them; one or two queries)."""
        if not created:
            cls.objects.filter(person_id=person.pk).delete()
        cls.objects.bulk_create(reading_prefixes_for(person))


def reading_prefixes_for(person: Person) -> list[PersonReadingPrefix]:
    """Unsaved prefix rows of ``person`` (who must have an id), for bulk inserts."""
    return [PersonReadingPrefix(person_id=p, prefix=x, sort_key=k) for p, x, k in reading_prefix_values(person)]


PREFIX_COLUMNS = ["person_id", "prefix", "sort_key"]


def reading_prefix_values(person: Person) -> list[tuple[int, str, str]]:
    """The values (``PREFIX_COLUMNS``) of ``person``'s prefix rows, for writers that take plain rows."""
    return [(person.pk, x, person.sort_key) for x in sorted(reading_prefixes(person.family_kana, person.given_kana))]


def search_index_for(person: Person) -> list[PersonNameGram | PersonReadingPrefix]:
    """Every search-index row of ``person``: the grams of the names and the prefixes of the readings."""
    return [*grams_for(person), *reading_prefixes_for(person)]
