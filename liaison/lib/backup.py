"""Backups that restore: one tar archive holding the database and the uploaded files, with a manifest of digests.

An archive holds ``manifest.json``, the database (``database.sqlite3`` taken through SQLite's online backup API, or
``database.pgdump`` written by ``pg_dump -Fc``) and every file under MEDIA_ROOT as ``media/<path>``. The manifest
records when and from what the archive was made (vendor, applied migrations) and the SHA-256 and size of every other
member, so a restore checks the whole archive before it touches anything.

Archives hold every civilian's personal data: they are written readable by their owner only (0600), through a
temporary name in the target folder and renamed into place, so a half-written archive never carries the final name.
"""

from __future__ import annotations

import contextlib
import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

__all__ = [
    "ArchiveError",
    "Manifest",
    "create_archive",
    "read_manifest",
    "restore_archive",
    "sqlite_copy",
    "verify_archive",
]

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
_CHUNK = 1024 * 1024


class ArchiveError(Exception):
    """The archive cannot be restored (damaged, incomplete, or for another kind of database); nothing was changed."""


@dataclass
class Manifest:
    created_at: str
    vendor: str
    migrations: dict[str, str]
    members: dict[str, dict]  # name -> {"sha256": ..., "size": ...}
    format: int = FORMAT

    def as_json(self) -> bytes:
        data = {
            "format": self.format,
            "created_at": self.created_at,
            "vendor": self.vendor,
            "migrations": self.migrations,
            "members": self.members,
        }
        return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True).encode()


@contextlib.contextmanager
def _private_umask():
    """New files and folders readable by their owner only, for the duration."""
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


def _sha256_of(stream) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(_CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _sha256_file(path: Path) -> tuple[str, int]:
    with open(path, "rb") as stream:
        return _sha256_of(stream)


# --- The database ---------------------------------------------------------------------------------------------


def sqlite_copy(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """Copy a whole SQLite database from one live connection to another in one step.

    ``pages=-1`` copies every page under one read transaction of the source, so the copy is one consistent state
    even while other connections keep writing (in WAL mode they are not blocked), and the target is written in one
    transaction, so readers of the target see either all of the old database or all of the new one.
    """
    source.backup(target, pages=-1)


def _migration_state(connection) -> dict[str, str]:
    """The latest applied migration of each app, as the database says (what a restore brings back)."""
    from django.db.migrations.recorder import MigrationRecorder

    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


def _pg_bin(name: str) -> str:
    """A PostgreSQL client program: PG_BIN if set, else the one on PATH, else the Debian server's."""
    folder = os.environ.get("PG_BIN")
    if folder:
        return str(Path(folder) / name)
    return shutil.which(name) or f"/usr/lib/postgresql/15/bin/{name}"


# libpq's environment variable for each connection setting; OPTIONS are libpq keywords (dj-database-url puts a
# socket folder given as ``?host=`` there).
_PG_VARIABLES = {
    "host": "PGHOST",
    "port": "PGPORT",
    "user": "PGUSER",
    "password": "PGPASSWORD",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
}


def _pg_env(settings_dict: dict) -> dict[str, str]:
    """libpq's environment for the connection: the password travels here, never on a command line (ps shows those)."""
    env = {k: v for k, v in os.environ.items() if k not in _PG_VARIABLES.values()}
    values = {key.lower(): value for key, value in (settings_dict.get("OPTIONS") or {}).items()}
    for key in ("HOST", "PORT", "USER", "PASSWORD"):
        if settings_dict.get(key):
            values[key.lower()] = settings_dict[key]
    for key, variable in _PG_VARIABLES.items():
        if values.get(key) not in (None, ""):
            env[variable] = str(values[key])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise ArchiveError(f"{Path(command[0]).name} failed (exit {result.returncode}): {result.stderr.strip()}")


def _dump_database(connection, target: Path) -> None:
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            sqlite_copy(connection.connection, destination)
        finally:
            destination.close()
    elif connection.vendor == "postgresql":
        settings_dict = connection.settings_dict
        _run(
            [_pg_bin("pg_dump"), "--format=custom", "--no-password", f"--file={target}", settings_dict["NAME"]],
            _pg_env(settings_dict),
        )
    else:
        raise ArchiveError(f"backups of {connection.vendor} databases are not supported")


def _restore_database(connection, source: Path) -> None:
    if connection.vendor == "sqlite":
        # Through the backup API into the live database, not by renaming a file over it: the database in WAL mode
        # has -wal and -shm files beside it that belong to the old file, and connections still open keep using
        # the old one; the API writes the new content in one transaction that every connection then sees.
        connection.ensure_connection()
        origin = sqlite3.connect(source)
        try:
            sqlite_copy(origin, connection.connection)
        finally:
            origin.close()
    else:
        settings_dict = connection.settings_dict
        connection.close()  # our own session must not hold locks on the tables the restore drops
        _run(
            [
                _pg_bin("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--no-acl",
                "--single-transaction",
                "--exit-on-error",
                "--no-password",
                f"--dbname={settings_dict['NAME']}",
                str(source),
            ],
            _pg_env(settings_dict),
        )


# --- The archive ----------------------------------------------------------------------------------------------


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.is_dir():
        return []
    return sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())


def create_archive(output_dir: Path, *, connection=None, media_root: Path | None = None, now=None) -> Path:
    """Write one archive of the database and MEDIA_ROOT into ``output_dir`` and return its path (mode 0600)."""
    from django.conf import settings
    from django.db import connection as default_connection

    connection = connection or default_connection
    media_root = Path(media_root or settings.MEDIA_ROOT)
    now = now or datetime.datetime.now(datetime.UTC)
    output_dir = Path(output_dir)
    with _private_umask():
        output_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=output_dir, prefix=".backup-") as scratch:
            db_member = SQLITE_MEMBER if connection.vendor == "sqlite" else PG_MEMBER
            db_file = Path(scratch) / db_member
            _dump_database(connection, db_file)
            members: dict[str, dict] = {}
            digest, size = _sha256_file(db_file)
            members[db_member] = {"sha256": digest, "size": size}
            files = _media_files(media_root)
            for path in files:
                digest, size = _sha256_file(path)
                members[MEDIA_PREFIX + path.relative_to(media_root).as_posix()] = {"sha256": digest, "size": size}
            manifest = Manifest(
                created_at=now.isoformat(timespec="seconds"),
                vendor=connection.vendor,
                migrations=_migration_state(connection),
                members=members,
            )
            stamp = now.strftime("%Y%m%d-%H%M%S")
            final = output_dir / f"koban-backup-{stamp}.tar"
            partial = Path(scratch) / "archive.tar"
            with tarfile.open(partial, "w") as tar:
                _add_bytes(tar, MANIFEST, manifest.as_json())
                tar.add(db_file, arcname=db_member, recursive=False)
                for path in files:
                    tar.add(path, arcname=MEDIA_PREFIX + path.relative_to(media_root).as_posix(), recursive=False)
            # A file written between the digest and the tar would make a restore refuse the archive: check now.
            verify_archive(partial)
            os.chmod(partial, 0o600)
            os.replace(partial, final)
    return final


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


def _safe_member_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts and name == path.as_posix()


def read_manifest(archive: Path) -> Manifest:
    """The archive's manifest; ArchiveError when there is none or it cannot be read."""
    try:
        with tarfile.open(archive, "r") as tar:
            stream = tar.extractfile(MANIFEST)
            if stream is None:
                raise ArchiveError(f"{archive}: the manifest is not a file")
            data = json.loads(stream.read().decode())
    except (OSError, tarfile.TarError, KeyError, ValueError) as error:
        raise ArchiveError(f"{archive}: not a readable backup archive ({error})") from error
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("members"), dict):
        raise ArchiveError(f"{archive}: the manifest is not one this version understands")
    return Manifest(
        created_at=str(data.get("created_at", "")),
        vendor=str(data.get("vendor", "")),
        migrations=dict(data.get("migrations") or {}),
        members=data["members"],
        format=data["format"],
    )


def verify_archive(archive: Path) -> Manifest:
    """Check every member against the manifest (digest, size, nothing missing or extra); ArchiveError if not."""
    manifest = read_manifest(archive)
    seen: set[str] = set()
    try:
        with tarfile.open(archive, "r") as tar:
            for info in tar:
                if info.name == MANIFEST:
                    continue
                if not info.isfile() or not _safe_member_name(info.name):
                    raise ArchiveError(f"{archive}: unexpected member {info.name!r}")
                expected = manifest.members.get(info.name)
                if expected is None:
                    raise ArchiveError(f"{archive}: {info.name} is not in the manifest")
                digest, size = _sha256_of(tar.extractfile(info))
                if digest != expected.get("sha256") or size != expected.get("size"):
                    raise ArchiveError(f"{archive}: {info.name} is damaged (its digest does not match the manifest)")
                seen.add(info.name)
    except (OSError, tarfile.TarError) as error:
        raise ArchiveError(f"{archive}: the archive is damaged ({error})") from error
    missing = sorted(set(manifest.members) - seen)
    if missing:
        raise ArchiveError(f"{archive}: missing from the archive: {', '.join(missing[:5])}")
    if not ({SQLITE_MEMBER, PG_MEMBER} & seen):
        raise ArchiveError(f"{archive}: the archive holds no database")
    return manifest


def restore_archive(archive: Path, *, connection=None, media_root: Path | None = None) -> Manifest:
    """Replace the database and MEDIA_ROOT's files with the archive's, after verifying the whole archive.

    A damaged archive, or one taken from another kind of database, raises ArchiveError before anything changes.
    MEDIA_ROOT ends up holding exactly the archive's files (files added since are removed); each file is written
    beside its final name and renamed into place. The database's schema is the archive's: run ``migrate`` after.
    """
    from django.conf import settings
    from django.db import connection as default_connection

    connection = connection or default_connection
    media_root = Path(media_root or settings.MEDIA_ROOT)
    archive = Path(archive)
    manifest = verify_archive(archive)
    if manifest.vendor != connection.vendor:
        raise ArchiveError(
            f"{archive}: taken from a {manifest.vendor} database; the configured one is {connection.vendor}"
        )
    with _private_umask(), tempfile.TemporaryDirectory(prefix=".restore-", dir=_scratch_dir(media_root)) as scratch:
        with tarfile.open(archive, "r") as tar:
            db_member = SQLITE_MEMBER if manifest.vendor == "sqlite" else PG_MEMBER
            db_file = Path(scratch) / db_member
            _extract_checked(tar, db_member, db_file, manifest)
            _restore_database(connection, db_file)
            media_root.mkdir(parents=True, exist_ok=True)
            wanted = set()
            for name in manifest.members:
                if not name.startswith(MEDIA_PREFIX):
                    continue
                relative = name[len(MEDIA_PREFIX) :]
                target = media_root / relative
                wanted.add(target)
                target.parent.mkdir(parents=True, exist_ok=True)
                partial = target.with_name(f".{target.name}.restoring")
                _extract_checked(tar, name, partial, manifest)
                os.replace(partial, target)
        for path in _media_files(media_root):
            if path not in wanted:
                path.unlink()
    return manifest


def _scratch_dir(media_root: Path) -> Path:
    """Where the restore unpacks the database: beside MEDIA_ROOT (same disk as the data), else the system's temp."""
    parent = media_root.parent
    return parent if parent.is_dir() and os.access(parent, os.W_OK) else Path(tempfile.gettempdir())


def _extract_checked(tar: tarfile.TarFile, name: str, target: Path, manifest: Manifest) -> None:
    """Write one member to ``target``, checking its digest again on the way (the file could change after verify)."""
    digest = hashlib.sha256()
    with tar.extractfile(name) as source, open(target, "wb") as out:
        while chunk := source.read(_CHUNK):
            digest.update(chunk)
            out.write(chunk)
    if digest.hexdigest() != manifest.members[name]["sha256"]:
        target.unlink()
        raise ArchiveError(f"{name} changed while it was being restored")
