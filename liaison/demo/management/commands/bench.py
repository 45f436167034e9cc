"""``manage.py bench [--runs N] [--quick] [--database-url URL]``: speed figures for the main screens and forms.

Speed is measured here, not in timed tests. The command never touches the developer's database: it runs itself
again in a child process whose ``DATABASE_URL`` points at a throw-away SQLite file in a temporary directory (also
its ``VAR_DIR``), migrates it and loads the demo (``load_demo``, timed once). With ``--database-url`` the child uses
that database instead (for example an empty PostgreSQL database); it must hold no stations, and the demo stays there
afterwards.

Each figure is the median and 95th percentile of N runs (``time.perf_counter``) after one untimed warm-up, with the
number of SQL queries per run. Pages are requested through Django's test ``Client`` logged in as the demo users.
The PDF views write an audit record per download, so the audit list grows while the bench runs.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import io
import itertools
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client

DEFAULT_RUNS = 20
LETTER_COUNT = 40
INSIDE_ENV = "LIAISON_BENCH_INSIDE"

# (label, display width, align)
COLUMNS = [("項目", 46, "<"), ("回数", 4, ">"), ("中央値 ms", 10, ">"), ("p95 ms", 10, ">"), ("クエリ数", 8, ">")]


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, align: str) -> str:
    space = " " * max(0, width - display_width(text))
    return text + space if align == "<" else space + text


def format_row(cells: list[str]) -> str:
    return "  ".join(pad(cell, width, align) for cell, (_label, width, align) in zip(cells, COLUMNS, strict=True))


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


@dataclass
class Result:
    name: str
    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    error: str = ""

    def cells(self) -> list[str]:
        if self.error:
            return [self.name, "-", "-", "-", "-"]
        low, high = min(self.queries), max(self.queries)
        return [
            self.name,
            str(len(self.seconds)),
            f"{statistics.median(self.seconds) * 1000:.1f}",
            f"{percentile(self.seconds, 0.95) * 1000:.1f}",
            str(low) if low == high else f"{low}–{high}",
        ]


class BenchFailure(Exception):
    pass


class QueryCounter:
    """Counts SQL statements like ``CaptureQueriesContext`` does, without its 9,000-query log limit (the demo
    load runs more) and without keeping the SQL text."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def measure(name: str, fn: Callable[[], object], runs: int, *, warm_up: bool = True) -> Result:
    """Run ``fn`` once untimed (unless ``warm_up`` is off), then ``runs`` times timed, counting queries per run."""
    result = Result(name)
    try:
        if warm_up:
            fn()
        for _ in range(runs):
            counter = QueryCounter()
            with connection.execute_wrapper(counter):
                start = time.perf_counter()
                fn()
                elapsed = time.perf_counter() - start
            result.seconds.append(elapsed)
            result.queries.append(counter.count)
    except BenchFailure as exc:
        result.error = str(exc)
    return result


def page(client: Client, url: str, content_type: str = "text/html") -> Callable[[], None]:
    def fetch():
        response = client.get(url)
        if response.status_code != 200:
            raise BenchFailure(f"{url}: HTTP {response.status_code}")
        if not response.get("Content-Type", "").startswith(content_type):
            raise BenchFailure(f"{url}: {response.get('Content-Type')}")
        response.content  # noqa: B018 — read the whole body, as a browser would

    return fetch


class Command(BaseCommand):
    help = (
        "主な画面と様式の速度を計測します（使い捨てのデータベースにデモデータを作成し、"
        "各項目の中央値・95パーセンタイル・クエリ数を表示）。開発用のデータベースには触れません。"
    )
    # The outer process must not open the developer's database; the child runs the checks that need one.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=DEFAULT_RUNS, help=f"各項目の計測回数（既定 {DEFAULT_RUNS}）。")
        parser.add_argument(
            "--quick",
            action="store_true",
            help="動作確認用：1回目を省き、PDF の項目を計測しない（数値の比較には使わない）。",
        )
        parser.add_argument(
            "--database-url",
            help="使い捨ての SQLite の代わりに使う空のデータベース（例 postgres://…）。計測後もデモデータが残る。",
        )
        parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)

    def handle(self, *args, runs=DEFAULT_RUNS, quick=False, database_url=None, inside=False, **options):
        if runs < 1:
            raise CommandError("--runs には 1 以上を指定してください。")
        if inside:
            if os.environ.get(INSIDE_ENV) != "1":
                raise CommandError("--inside は manage.py bench が内部で使うオプションです。")
            self.bench(runs, quick)
        else:
            self.spawn(runs, quick, database_url)

    # --- outer process: a child with its own database -------------------------------------------------------

    def spawn(self, runs: int, quick: bool, database_url: str | None) -> None:
        with tempfile.TemporaryDirectory(prefix="liaison-bench-") as tmp:
            env = dict(os.environ)
            env.update(
                {
                    INSIDE_ENV: "1",
                    "DATABASE_URL": database_url or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
                    "VAR_DIR": tmp,
                    "ALLOWED_HOSTS": "testserver",
                    "DJANGO_ENV": "development",
                    "DEBUG": "0",
                    "PYTHONUNBUFFERED": "1",
                }
            )
            settings_module = os.environ.get("DJANGO_SETTINGS_MODULE") or getattr(settings, "SETTINGS_MODULE", None)
            if settings_module:
                env["DJANGO_SETTINGS_MODULE"] = settings_module
            command = [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "bench", "--inside"]
            command += ["--runs", str(runs)] + (["--quick"] if quick else [])
            with subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=subprocess.PIPE, text=True, encoding="utf-8"
            ) as child:
                for line in child.stdout:
                    self.stdout.write(line, ending="")
                    self.stdout.flush()
            if child.returncode != 0:
                raise CommandError(f"計測に失敗しました（終了コード {child.returncode}）。")

    # --- child process: migrate, load the demo, measure ------------------------------------------------------

    def bench(self, runs: int, quick: bool) -> None:
        self.failed = False
        self.facts()
        self.ensure_empty()

        self.stdout.write(format_row([label for label, _w, _a in COLUMNS]))
        self.stdout.write(format_row(["-" * width for _label, width, _a in COLUMNS]))
        self.report(
            measure("migrate", lambda: call_command("migrate", verbosity=0, interactive=False), 1, warm_up=False)
        )
        self.report(
            measure("load_demo", lambda: call_command("load_demo", verbosity=0, stdout=io.StringIO()), 1, warm_up=False)
        )

        notes = self.measure_all(runs, quick)
        self.stdout.write("")
        warm_up = "" if quick else "（各項目、計測しない1回目を先に実行）"
        self.stdout.write(f"回数は計測回数{warm_up}。クエリ数は1回あたり。")
        for note in notes:
            self.stdout.write(f"注: {note}")
        if self.failed:
            raise CommandError("一部の項目を計測できませんでした（上の行を参照）。")

    def facts(self) -> None:
        db = settings.DATABASES["default"]
        version = ".".join(str(part) for part in connection.get_database_version())
        try:
            weasyprint = importlib.metadata.version("weasyprint")
        except importlib.metadata.PackageNotFoundError:
            weasyprint = "なし"
        affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
        self.stdout.write(f"Python      {platform.python_version()} ({platform.python_implementation()})")
        self.stdout.write(f"Django      {importlib.metadata.version('django')}、WeasyPrint {weasyprint}")
        self.stdout.write(f"データベース {connection.display_name} {version}（{connection.vendor}、{db['NAME']}）")
        self.stdout.write(f"CPU         {os.cpu_count()} 個（このプロセスが使えるのは {affinity} 個）")
        self.stdout.write(f"OS          {platform.platform()}、{platform.machine()}")
        self.stdout.write("")

    def ensure_empty(self) -> None:
        from liaison.org.models import Station

        if Station._meta.db_table in connection.introspection.table_names() and Station.objects.exists():
            raise CommandError(
                "このデータベースには警察署が既に登録されています。計測は空のデータベースでのみ行えます。"
            )

    def report(self, result: Result) -> Result:
        self.stdout.write(format_row(result.cells()))
        if result.error:
            self.failed = True
            self.stdout.write(f"  → 計測できませんでした: {result.error}")
        self.stdout.flush()
        return result

    def measure_all(self, runs: int, quick: bool) -> list[str]:
        from django.contrib.auth import get_user_model

        from liaison.councils.models import Council, Membership
        from liaison.councils.queries import current_memberships, findings_for, with_current_members
        from liaison.lib.dates import today_tokyo
        from liaison.org.models import Officer
        from liaison.reports.documents import appointment_letters_pdf, letter_queryset

        notes: list[str] = []
        today = today_tokyo()
        users = get_user_model().objects.in_bulk(
            ["demo_chief", "demo_koban_chief", "demo_hq_admin"], field_name="username"
        )
        clients: dict[int, Client] = {}

        def client_for(user) -> Client:
            if user.pk not in clients:
                clients[user.pk] = Client()
                clients[user.pk].force_login(user)
            return clients[user.pk]

        def run_page(name: str, user, url: str, content_type: str = "text/html") -> None:
            self.report(measure(name, page(client_for(user), url, content_type), runs, warm_up=not quick))

        chief, koban_chief, hq_admin = users["demo_chief"], users["demo_koban_chief"], users["demo_hq_admin"]
        run_page("ホーム（署長）", chief, "/")
        run_page("ホーム（交番所長）", koban_chief, "/")
        run_page("ホーム（本部管理者）", hq_admin, "/")

        active = Council.objects.filter(status=Council.Status.ACTIVE)
        council_count = active.count()
        if council_count:
            run_page("協議会一覧（署長）", chief, "/councils/")
            run_page(f"協議会一覧（本部管理者・全署 {council_count}件）", hq_admin, "/councils/")
        else:
            notes.append("デモデータに協議会がないため、協議会の項目を省略しました。")

        largest = (
            Membership.objects.filter(current_memberships(today), council__status=Council.Status.ACTIVE)
            .values("council")
            .annotate(members=Count("pk"))
            .order_by("-members", "council")
            .first()
        )
        council = active.select_related("station").get(pk=largest["council"]) if largest else active.first()
        if council is not None:
            station_chief = (
                Officer.objects.filter(role=Officer.Role.STATION_CHIEF, station=council.station_id, active=True)
                .select_related("user")
                .order_by("pk")
                .first()
            )
            owner = station_chief.user if station_chief else chief
            members = largest["members"] if largest else 0
            run_page(f"協議会の画面（最大の協議会・委員 {members}名）", owner, f"/councils/{council.pk}/")

        run_page("人物一覧（署長）", chief, "/people/")
        run_page("監査ログ（本部管理者）", hq_admin, "/audit/")
        run_page("警察署一覧（本部管理者）", hq_admin, "/org/stations/")

        if quick:
            notes.append("--quick: 1回目を省き、PDF の項目を計測しませんでした。")
        elif council is None or not largest:
            if council_count:
                notes.append("現在の委員がいる協議会がないため、PDF の項目を省略しました。")
        else:
            run_page(
                f"様式1 委嘱状 PDF（1協議会 {members}名）",
                owner,
                f"/reports/councils/{council.pk}/letters/",
                "application/pdf",
            )
            run_page("様式2 設置報告書 PDF", owner, f"/reports/councils/{council.pk}/setup-report/", "application/pdf")
            memberships = list(
                letter_queryset()
                .filter(current_memberships(today), council__status=Council.Status.ACTIVE)
                .order_by("council", "person__sort_key", "pk")[:LETTER_COUNT]
            )
            if len(memberships) < LETTER_COUNT:
                notes.append(f"委嘱状 {LETTER_COUNT}通は {len(memberships)}名の委嘱状を繰り返して作成しました。")
                memberships = list(itertools.islice(itertools.cycle(memberships), LETTER_COUNT))
            self.report(
                measure(
                    f"委嘱状 {LETTER_COUNT}通（appointment_letters_pdf）",
                    lambda: appointment_letters_pdf(memberships),
                    runs,
                )
            )

        if council_count:

            def read_rules():
                councils = list(with_current_members(active, today))
                findings_for(councils, today)

            self.report(measure(f"規則の判定（全協議会 {council_count}件）", read_rules, runs, warm_up=not quick))
        return notes
