"""``RowWriter``, which writes the scale generator's rows: plainly, many rows a statement, in the caller's
transaction, and (on SQLite) with the indexes of the biggest tables built once at the end."""

from collections import Counter

import pytest
from django.db import IntegrityError, connection, transaction

from liaison.demo.scale import SQLITE_PARAMETERS, RowWriter
from liaison.network.models import Exchange
from liaison.org.models import Station
from liaison.people.models import PREFIX_COLUMNS, Person, PersonReadingPrefix

pytestmark = pytest.mark.django_db


def _person() -> Person:
    station = Station.objects.create(name="試験警察署", code="RW1")
    return Person.objects.create(station=station, family_name="行", given_name="書", family_kana="ギョウ")


def _indexes(table: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name = %s "
            "ORDER BY name",
            [table],
        )
        return cursor.fetchall()


def test_issue8_rows_over_several_statements_are_all_written_once():
    """Three columns a row and at most ``SQLITE_PARAMETERS`` values a statement: two full statements and part of a
    third on SQLite (one COPY on PostgreSQL), in the caller's transaction."""
    person = _person()
    count = SQLITE_PARAMETERS // len(PREFIX_COLUMNS) * 2 + 7
    rows = [(person.pk, f"{i % 1000:03d}", "ギョウ") for i in range(count)]
    mine = PersonReadingPrefix.objects.filter(person=person, sort_key="ギョウ")
    writer = RowWriter()
    with pytest.raises(RuntimeError, match="戻す"), transaction.atomic():
        writer.write(PersonReadingPrefix, PREFIX_COLUMNS, rows)
        assert mine.count() == count
        raise RuntimeError("戻す")
    assert not mine.exists()
    writer.write(PersonReadingPrefix, PREFIX_COLUMNS, rows)
    assert Counter(mine.values_list(*PREFIX_COLUMNS)) == Counter(rows)
    assert writer.written["people.PersonReadingPrefix"] == 2 * count


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps its indexes during the load")
def test_issue8_indexes_dropped_for_a_load_are_built_again_as_they_were_and_still_refuse_duplicates():
    """The exchanges' contacts (an M2M table: a unique index on the pair, one on each column)."""
    links = Exchange.contacts.through
    table, columns = links._meta.db_table, ["exchange_id", "contactperson_id"]
    before = _indexes(table)
    assert any(sql.startswith("CREATE UNIQUE INDEX") for _name, sql in before)
    writer = RowWriter()
    # The foreign keys are checked at commit: any ids will do in a transaction that is rolled back.
    with pytest.raises(RuntimeError, match="戻す"), transaction.atomic():
        with writer.indexes_built_after([links]):
            assert _indexes(table) == []
            writer.write(links, columns, [(1, i) for i in range(1, 101)])
        assert _indexes(table) == before
        assert links.objects.filter(exchange_id=1).count() == 100
        raise RuntimeError("戻す")

    with pytest.raises(IntegrityError), transaction.atomic():
        with writer.indexes_built_after([links]):
            writer.write(links, columns, [(2, 1), (2, 1)])  # the same pair twice
    assert _indexes(table) == before
    assert not links.objects.filter(exchange_id=2).exists()
