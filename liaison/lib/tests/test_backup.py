"""Backups that restore (issue 12): ``manage.py backup`` and ``manage.py restore`` round-trip the database and the
uploaded files on SQLite and PostgreSQL, refuse a damaged archive without changing anything, and keep what they
write readable by its owner only."""

import datetime
import hashlib
import os
import sqlite3
import stat
import tarfile
import threading
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from config.settings import private_sqlite_file
from liaison.lib.backup import ArchiveError, create_archive, restore_archive, sqlite_copy, verify_archive
from liaison.org.models import Station
from liaison.people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)


def table_digests() -> dict[str, str]:
    """A SHA-256 of every table: all columns of every row, rows in column order (the primary key first)."""
    digests = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (a table name from introspection)
            width = len(cursor.description)
            order = ", ".join(str(i) for i in range(1, width + 1))
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY {order}")  # noqa: S608
            digest = hashlib.sha256()
            for row in cursor.fetchall():
                digest.update(repr(row).encode())
            digests[table] = digest.hexdigest()
    return digests


def file_digests(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def make_data():
    station = Station.objects.create(name="試験警察署", code="T01")
    for i in range(3):
        Person.objects.create(
            station=station,
            family_name="佐藤",
            given_name=f"花子{i}",
            family_kana="サトウ",
            given_kana="ハナコ",
            birth_date=datetime.date(1960, 1, 1 + i),
            phone="0221234567",
        )
    default_storage.save("bylaws/2026/規約.pdf", ContentFile(b"%PDF-1.4 bylaws"))
    default_storage.save("materials/2026/資料.txt", ContentFile("資料の本文".encode()))
    return station


def test_backup_then_restore_brings_back_every_table_and_file(media, tmp_path):
    """A backup restores every table (all columns, every row) and every uploaded file to what they were."""
    station = make_data()
    tables_before, files_before = table_digests(), file_digests(media)

    archive = create_archive(tmp_path / "backups")

    Person.objects.filter(given_name="花子0").update(given_name="変更")
    Person.objects.filter(given_name="花子2").delete()
    Station.objects.create(name="後から作った署", code="T02")
    station.refresh_from_db()
    (media / "bylaws/2026/規約.pdf").write_bytes(b"changed")
    (media / "materials/2026/資料.txt").unlink()
    default_storage.save("later/new.txt", ContentFile(b"added after the backup"))
    assert table_digests() != tables_before
    assert file_digests(media) != files_before

    restore_archive(archive)

    assert table_digests() == tables_before
    assert file_digests(media) == files_before
    assert Person.objects.filter(given_name__startswith="花子").count() == 3


def test_archive_manifest_describes_the_database_and_lists_every_member(media, tmp_path):
    make_data()
    archive = create_archive(tmp_path / "backups")
    manifest = verify_archive(archive)
    assert manifest.vendor == connection.vendor
    assert manifest.migrations["people"].startswith("00")
    assert {"media/bylaws/2026/規約.pdf", "media/materials/2026/資料.txt"} <= set(manifest.members)
    db_member = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
    assert len(manifest.members[db_member]["sha256"]) == 64


def test_archive_and_backup_folder_are_readable_by_the_owner_only(media, tmp_path):
    make_data()
    old = os.umask(0o022)  # a permissive umask, as on most servers
    try:
        archive = create_archive(tmp_path / "backups")
    finally:
        os.umask(old)
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert stat.S_IMODE(archive.parent.stat().st_mode) == 0o700
    assert [p.name for p in archive.parent.iterdir()] == [archive.name]  # no scratch left behind


def _damage(archive: Path, member: str) -> None:
    """Flip one byte inside ``member``'s data in the tar file."""
    with tarfile.open(archive) as tar:
        offset = tar.getmember(member).offset_data
    with open(archive, "r+b") as stream:
        stream.seek(offset + 3)
        byte = stream.read(1)
        stream.seek(offset + 3)
        stream.write(bytes([byte[0] ^ 0xFF]))


@pytest.mark.parametrize("member", ["database", "media/bylaws/2026/規約.pdf"])
def test_damaged_archive_is_refused_and_nothing_changes(media, tmp_path, member):
    make_data()
    archive = create_archive(tmp_path / "backups")
    if member == "database":
        member = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
    _damage(archive, member)
    Person.objects.filter(given_name="花子0").update(given_name="変更後")
    tables, files = table_digests(), file_digests(media)

    with pytest.raises(ArchiveError, match="damaged"):
        restore_archive(archive)
    with pytest.raises(CommandError, match="何も変更していません"):
        call_command("restore", str(archive), "--yes")

    assert table_digests() == tables
    assert file_digests(media) == files


def test_truncated_archive_is_refused(media, tmp_path):
    make_data()
    archive = create_archive(tmp_path / "backups")
    data = archive.read_bytes()
    archive.write_bytes(data[: len(data) // 2])
    with pytest.raises(ArchiveError):
        verify_archive(archive)


def test_commands_round_trip(media, tmp_path, capsys):
    """``manage.py backup --output DIR`` prints the archive's path; ``manage.py restore ARCHIVE --yes`` restores it."""
    make_data()
    before = table_digests()
    call_command("backup", "--output", str(tmp_path / "out"))
    archive = Path(capsys.readouterr().out.strip())
    assert archive.parent == tmp_path / "out" and archive.suffix == ".tar"
    Person.objects.all().update(notes="消える変更")
    call_command("restore", str(archive), "--yes")
    assert table_digests() == before


def test_restore_asks_before_replacing(media, tmp_path, monkeypatch):
    make_data()
    archive = create_archive(tmp_path / "backups")
    Person.objects.all().update(notes="残る変更")
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    with pytest.raises(CommandError, match="中止しました"):
        call_command("restore", str(archive))
    assert Person.objects.filter(notes="残る変更").count() == 3


# --- SQLite only ----------------------------------------------------------------------------------------------


def test_sqlite_backup_is_consistent_while_another_connection_writes(tmp_path):
    """A copy taken while another thread commits transactions holds whole transactions only, and is intact.

    Each transaction inserts two rows (+n and -n), so any consistent state sums to zero."""
    path = tmp_path / "live.sqlite3"
    setup = sqlite3.connect(path)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE ledger (id INTEGER PRIMARY KEY, amount INTEGER NOT NULL, pad TEXT)")
    setup.commit()
    setup.close()
    stop = threading.Event()
    written = []

    def writer():
        conn = sqlite3.connect(path, timeout=20)
        n = 0
        while not stop.is_set():
            n += 1
            with conn:
                conn.execute("INSERT INTO ledger (amount, pad) VALUES (?, ?)", (n, "x" * 2000))
                conn.execute("INSERT INTO ledger (amount, pad) VALUES (?, ?)", (-n, "y" * 2000))
            written.append(n)
        conn.close()

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(written) < 200:  # enough pages that the copy spans many of them
            threading.Event().wait(0.01)
        copies = []
        for i in range(3):
            source = sqlite3.connect(path, timeout=20)
            target = sqlite3.connect(tmp_path / f"copy{i}.sqlite3")
            sqlite_copy(source, target)
            copies.append(target.execute("SELECT count(*), coalesce(sum(amount), 0) FROM ledger").fetchone())
            assert target.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            source.close()
            target.close()
    finally:
        stop.set()
        thread.join()
    for count, total in copies:
        assert count % 2 == 0 and count > 0
        assert total == 0


def test_sqlite_database_file_is_created_readable_by_the_owner_only(tmp_path):
    """The app's SQLite file (and the -wal/-shm files SQLite makes beside it) is readable by its owner only."""
    path = tmp_path / "koban.sqlite3"
    old = os.umask(0o022)
    try:
        private_sqlite_file(path)
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in tmp_path.iterdir()}
        conn.close()
    finally:
        os.umask(old)
    assert modes == {"koban.sqlite3": 0o600, "koban.sqlite3-wal": 0o600, "koban.sqlite3-shm": 0o600}
