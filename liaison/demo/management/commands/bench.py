"""``manage.py bench [--runs N] [--quick] [--scale S …] [--database sqlite|postgres …] [--batch] [--database-url URL]``:
speed figures for the main screens and forms.

Speed is measured here, not in timed tests. The command never touches the developer's database: it runs itself
again in a child process whose ``DATABASE_URL`` points at a throw-away SQLite file in a temporary directory (also
its ``VAR_DIR``), migrates it and loads the demo (``load_demo``, timed once). With ``--database postgres`` the
database is in a throw-away PostgreSQL cluster (``bin/pg_throwaway``, the cluster ``bin/test`` starts). With
``--database-url`` the child uses that database instead (for example an empty PostgreSQL database); it must hold no
stations, and the data stays there afterwards.

Each figure is the median and 95th percentile of N runs (``time.perf_counter``) after one untimed warm-up, with the
number of SQL queries per run. Pages are requested through Django's test ``Client`` logged in as the demo users.
The PDF views write an audit record per download, so the audit list grows while the bench runs.

``--scale demo`` (the default) is the demo table below. ``--scale prefecture`` and ``--scale x10`` (or ``tiny``, for
tests) build that scale with ``generate_scale`` and measure the main pages beside the Django admin; given both, the
run ends with how each page grows from one to the other. ``liaison.demo.scalebench`` describes that run.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import importlib.metadata
import io
import itertools
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test import Client

from liaison.demo import scalebench
from liaison.demo.measure import QueryCounter, pad, percentile

DEFAULT_RUNS = 20
LETTER_COUNT = 40
INSIDE_ENV = "LIAISON_BENCH_INSIDE"

# (label, display width, align)
COLUMNS = [("項目", 46, "<"), ("回数", 4, ">"), ("中央値 ms", 10, ">"), ("p95 ms", 10, ">"), ("クエリ数", 8, ">")]


def format_row(cells: list[str]) -> str:
    return "  ".join(pad(cell, width, align) for cell, (_label, width, align) in zip(cells, COLUMNS, strict=True))


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


def machine() -> tuple[str, str]:
    """The CPU model (after a separator) and the memory, from /proc where there is one."""
    model, memory = "", "不明"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = f"、{line.split(':', 1)[1].strip()}"
                break
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    return model, memory


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
            "--scale",
            action="append",
            choices=["demo", "tiny", "prefecture", "x10"],
            help="計測する規模（既定 demo）。prefecture と x10 を両方指定すると規模による増え方も表示。繰り返し指定できる。",
        )
        parser.add_argument(
            "--database",
            action="append",
            choices=["sqlite", "postgres"],
            help="使うデータベース（既定 sqlite）。postgres は使い捨てのクラスタを起動する。繰り返し指定できる。",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help=f"規模の計測で、更新する委員全員（最大 {scalebench.BATCH_LETTERS:,}通）の委嘱状の一括印刷も計測する（時間がかかる）。",
        )
        parser.add_argument(
            "--timeout",
            type=float,
            default=scalebench.DEFAULT_TIMEOUT,
            help=f"規模の計測で、1回の要求を打ち切るまでの秒数（既定 {scalebench.DEFAULT_TIMEOUT:.0f}）。",
        )
        parser.add_argument("--seed", type=int, default=2025, help="規模の計測で generate_scale に渡す乱数の種。")
        parser.add_argument(
            "--database-url",
            action="append",
            help=(
                "使い捨てのデータベースの代わりに使うデータベース（例 postgres://…）。空なら作成し、同じ規模が作成済みなら"
                "そのまま計測する。計測後もデータが残る。データベースの種類は1つとし、--scale と同じ数だけ同じ順に指定する。"
            ),
        )
        parser.add_argument(
            "--export-cases",
            type=int,
            default=0,
            help="デモの計測の後、意見・要望をこの件数まで一括作成し、全件のExcel・CSV出力の時間と最大RSSを表示する"
            "（例 300000）。",
        )
        parser.add_argument("--inside", action="store_true", help=argparse.SUPPRESS)
        parser.add_argument("--task", choices=["demo", "plan", "page", "batch"], default="demo", help=argparse.SUPPRESS)
        parser.add_argument("--user", help=argparse.SUPPRESS)
        parser.add_argument("--url", help=argparse.SUPPRESS)
        parser.add_argument("--letters", type=int, default=scalebench.BATCH_LETTERS, help=argparse.SUPPRESS)
        parser.add_argument("--pause", type=float, default=0.0, help=argparse.SUPPRESS)

    def handle(self, *args, runs=DEFAULT_RUNS, quick=False, database_url=None, inside=False, **options):
        if runs < 1:
            raise CommandError("--runs には 1 以上を指定してください。")
        if inside:
            if os.environ.get(INSIDE_ENV) != "1":
                raise CommandError("--inside は manage.py bench が内部で使うオプションです。")
            self.inside(options["task"], runs, quick, options)
            return
        scales = list(dict.fromkeys(options["scale"] or ["demo"]))
        databases = list(dict.fromkeys(options["database"] or ["sqlite"]))
        urls = database_url or []
        if urls and (len(databases) > 1 or len(urls) != len(scales)):
            raise CommandError(
                "--database-url を指定するときは、データベースの種類を1つずつにし、規模と同じ数だけ同じ順に指定してください。"
            )
        url_of = dict(zip(scales, urls, strict=True)) if urls else {}
        failed = False
        for database in databases:
            with self.server(database, bool(urls)) as cluster_url, contextlib.ExitStack() as stack:
                prepared = []
                for scale in scales:
                    if scale == "demo":
                        self.spawn(
                            runs, quick, url_of.get(scale) or self.demo_database(cluster_url), options["export_cases"]
                        )
                        continue
                    run = scalebench.ScaleRun(
                        scale=scale,
                        database=database,
                        database_url=url_of.get(scale),
                        cluster_url=cluster_url,
                        runs=runs,
                        quick=quick,
                        batch=options["batch"],
                        timeout=options["timeout"],
                        seed=options["seed"],
                        out=self.line,
                    )
                    try:
                        stack.enter_context(run).prepare()
                        prepared.append(run)
                    except RuntimeError as exc:
                        failed = True
                        self.line(f"規模 {scale}（{database}）を計測できませんでした: {exc}")
                # Every scale is built before any is measured, so that the scales are measured in turns.
                scalebench.growth_table(scalebench.measure_scales(prepared), self.line)
        if failed:
            raise CommandError("一部の規模を計測できませんでした（上の行を参照）。")

    def line(self, text: str = "") -> None:
        self.stdout.write(text)
        self.stdout.flush()

    @contextlib.contextmanager
    def server(self, database: str, own_databases: bool):
        """The throw-away PostgreSQL cluster's URL for ``--database postgres`` (None otherwise)."""
        if database != "postgres" or own_databases:
            yield None
            return
        try:
            with scalebench.throwaway_postgres() as url:
                yield url
        except RuntimeError as exc:
            raise CommandError(str(exc)) from None

    def demo_database(self, cluster_url: str | None) -> str | None:
        """A fresh database in the cluster for the demo table (None: a throw-away SQLite file)."""
        if cluster_url is None:
            return None
        return scalebench.database_in_cluster(cluster_url, "bench_demo")

    def inside(self, task: str, runs: int, quick: bool, options: dict) -> None:
        """The child's side: the demo table, or one step of a scale run (see ``liaison.demo.scalebench``)."""
        from liaison.lib.dates import today_tokyo

        if task == "demo":
            self.bench(runs, quick)
            if options["export_cases"]:
                from liaison.demo.exportbench import measure_case_export

                measure_case_export(options["export_cases"], self.line)
        elif task == "plan":
            self.facts()
            planned = scalebench.plan(today_tokyo())
            scalebench.emit(self.line, "plan", plan=planned)
        elif task == "page":
            scalebench.measure_page(self.line, username=options["user"], url=options["url"])
        else:
            scalebench.measure_batch(
                self.line,
                today=today_tokyo(),
                letters=options["letters"],
                timeout=options["timeout"],
                pause=options["pause"],
            )

    # --- outer process: a child with its own database -------------------------------------------------------

    def spawn(self, runs: int, quick: bool, database_url: str | None, export_cases: int = 0) -> None:
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
            command += ["--export-cases", str(export_cases)] if export_cases else []
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
        model, memory = machine()
        self.stdout.write(f"CPU         {os.cpu_count()} 個（このプロセスが使えるのは {affinity} 個）{model}")
        self.stdout.write(f"メモリ      {memory}")
        self.stdout.write(f"OS          {platform.platform()}、{platform.machine()}")
        self.stdout.write(f"日時        {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}")
        if hasattr(os, "getloadavg"):  # the machine may be shared: say how busy it was
            self.stdout.write(
                "負荷        " + " / ".join(f"{load:.2f}" for load in os.getloadavg()) + "（1・5・15分平均）"
            )
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
        run_page("警察署別の状況（本部管理者）", hq_admin, "/figures/")
        run_page("署の状況（署長）", chief, "/figures/")

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
