"""``manage.py generate_scale --scale {tiny,prefecture,x10} [--seed N] [--database-url URL]``: a prefecture at scale.

Fills an empty, migrated database (no users, organisation, people or councils) with the data described in
``liaison.demo.scale``, in one transaction, printing progress and the time taken. ``prefecture`` is the size of the
largest real forces (about 100 stations, 1,100 kobans, 4,000 officers, 1,100 councils, 15,000 people, ten years of
terms); ``x10`` is ten times that; ``tiny`` is for tests. The demo logins (``manage.py demo_logins``) belong to the
first, largest station.

``--without-network`` skips the community safety network's pass (its ten million exchanges at ``x10`` take most of
the run) for a measurement that does not need it; every other row is the same as with it.

With ``--database-url`` the command runs itself again with that ``DATABASE_URL``, migrating that database first; the
developer's database is not touched. ``--keep-existing`` leaves a database that already holds a prefecture of the
same scale as it is (the benchmark measures such a database again without building it anew).

After the data is written, each command named in ``FOLLOW_UPS`` that exists is run (so stored findings get built
once a command builds them); a programme whose derived data needs building adds its command there.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from liaison.councils.models import Council, Membership
from liaison.demo.scale import SCALES, Generator
from liaison.lib.dates import today_tokyo
from liaison.org.models import HQDivision, Officer, Station
from liaison.people.models import Person

DEFAULT_SEED = 2025
SQLITE_CACHE_KIB = 512 * 1024

# Commands that rebuild derived data after a bulk load; those not (yet) defined are skipped.
FOLLOW_UPS = ["refresh_findings", "rebuild_figures"]


def existing_rows() -> list[str]:
    """What the database already holds, of what a fresh migrate leaves empty (the generator gives the ids itself)."""
    tables = set(connection.introspection.table_names())
    found = []
    for model in [get_user_model(), HQDivision, Station, Officer, Person, Council, Membership]:
        if model._meta.db_table not in tables:
            raise CommandError(
                f"テーブル {model._meta.db_table} がありません。先に manage.py migrate を実行してください。"
            )
        if model.objects.exists():
            found.append(str(model._meta.verbose_name))
    return found


class Command(BaseCommand):
    help = (
        "ベンチマーク用に、大規模な県（prefecture: 警察署約100・交番等約1,100・協議会約1,100・住民等約15,000、"
        "x10: その10倍）のデータを空のデータベースに一括作成します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--scale", required=True, choices=sorted(SCALES), help="規模（tiny はテスト用）。")
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"乱数の種（既定 {DEFAULT_SEED}）。")
        parser.add_argument(
            "--database-url",
            help="作成先のデータベース（例 postgres://…、sqlite:////tmp/scale.sqlite3）。migrate してから作成する。",
        )
        parser.add_argument(
            "--keep-existing",
            action="store_true",
            help="データベースに同じ規模の県が作成済みならそのままにする（ベンチマークで作成済みのデータを再計測するとき）。",
        )
        parser.add_argument(
            "--without-network",
            action="store_true",
            help="地域安全ネットワーク（連絡員・情報交換）を作成しない（x10 では作成時間の大半を占める）。",
        )

    def handle(
        self, *args, scale, seed=DEFAULT_SEED, database_url=None, without_network=False, keep_existing=False, **options
    ):
        if database_url:
            self.spawn(scale, seed, database_url, without_network, keep_existing)
            return
        spec = SCALES[scale]
        found = existing_rows()
        if found and keep_existing and Station.objects.count() == spec.stations:
            # A prefecture of this size written earlier (by this command: nothing else makes hundreds of stations).
            self.stdout.write(f"規模 {scale} の県（警察署 {spec.stations:,}）は作成済みです。そのまま使います。")
            return
        if found:
            raise CommandError(
                f"データベースが空ではありません（{'、'.join(found)}があります）。"
                "大規模データは空のデータベースにのみ作成できます（新しいデータベースで migrate してから実行するか、"
                "--database-url で空のデータベースを指定してください）。"
            )
        db = settings.DATABASES["default"]
        self.stdout.write(
            f"規模 {scale}（警察署 {spec.stations:,}）、乱数の種 {seed}、{connection.vendor} {db['NAME']} に作成します。"
        )
        self.stdout.flush()
        started = time.perf_counter()
        generator = Generator(spec, seed, today=today_tokyo(), progress=self.progress, network=not without_network)
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                # SQLite keeps 2 MB of the database in memory by default; the load's indexes are far larger, and
                # each row written to a page no longer held is a read and a write more. For this connection only.
                cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
                # The load is one transaction into an empty database: in WAL mode every page is written twice
                # (to the log, then into the database). A rollback journal in memory writes it once and still
                # rolls back on an error. The app's next connection sets WAL again (settings.py). (Inside a caller's
                # transaction, as in tests, the mode cannot change and stays.)
                if not connection.in_atomic_block:
                    cursor.execute("PRAGMA journal_mode = MEMORY")
        with transaction.atomic():
            written = generator.run()
        generator.analyze()
        loaded = time.perf_counter() - started
        for name in FOLLOW_UPS:
            if name in get_commands():
                step = time.perf_counter()
                call_command(name, stdout=self.stdout, stderr=self.stderr)
                self.stdout.write(f"{name}: {time.perf_counter() - step:.1f} 秒")
        counts = "、".join(f"{label.split('.')[-1]} {count:,}" for label, count in written.items())
        self.stdout.write(counts)
        self.stdout.write(
            self.style.SUCCESS(
                f"作成しました（{loaded:.1f} 秒、後処理を含め {time.perf_counter() - started:.1f} 秒）。"
                f"ログインは manage.py demo_logins で確認できます。"
            )
        )

    def progress(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def spawn(self, scale: str, seed: int, database_url: str, without_network: bool, keep_existing: bool) -> None:
        env = dict(os.environ, DATABASE_URL=database_url, PYTHONUNBUFFERED="1")
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        for command in (
            [sys.executable, manage, "migrate", "--no-input", "--verbosity", "0"],
            [sys.executable, manage, "generate_scale", "--scale", scale, "--seed", str(seed)]
            + (["--without-network"] if without_network else [])
            + (["--keep-existing"] if keep_existing else []),
        ):
            completed = subprocess.run(command, cwd=settings.BASE_DIR, env=env, check=False)
            if completed.returncode != 0:
                raise CommandError(f"{command[2]} に失敗しました（終了コード {completed.returncode}）。")
