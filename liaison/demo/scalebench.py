"""The benchmark at scale behind ``manage.py bench --scale prefecture|x10 [--database sqlite|postgres] [--batch]``.

For each scale the benchmark makes a throw-away database (a SQLite file, or a database in a throw-away PostgreSQL
cluster started by ``bin/pg_throwaway``), migrates it, fills it with ``generate_scale`` and then measures, each in a
child process of its own that runs with ``config.bench_settings``:

* the main pages (``PAGES``) as the demo logins of the largest station see them, and beside each the Django admin
  changelist of the same model over the same data (``ADMIN``), the peer baseline;
* with ``--batch``, Form 1 for every renewal of the prefecture — each term ending by the end of the fiscal year and
  not yet renewed, ``BATCH_LETTERS`` at most — posted to the batch form as the HQ administrator and rendered by one
  standing background worker (``db_worker``, started and ready before the batch is sent, as on a server): letters
  (one A4 page each) per second from the first request of the batch form to the last job's end, the worker's peak
  memory, and the council list measured while it renders. The batch is printed twice (``BATCH_PAGE_PAUSES``): with
  the list asked for as users would, then back to back, the most the pages can take from the worker.

Every scale of a run is built before any is measured; then each page is measured at the scales in turns, one
request at each (``measure_in_step``), so that x10 ÷ prefecture compares requests made in the same minutes.

A child prints one ``BENCH {json}`` line per event (ready, each request, done); the parent waits at most
``--timeout`` seconds for each, so a page that takes longer is reported as such and its child is killed, rather than
hanging the run. On PostgreSQL the parent then also terminates the child's server process, which a kill alone
leaves running. One child per page also makes its peak RSS the memory that page needs (``VmHWM``).
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import queue
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from liaison.demo.measure import QueryCounter, pad, percentile

BENCH_SETTINGS = "config.bench_settings"
PREFIX = "BENCH "
DEFAULT_TIMEOUT = 30.0
SLOW_AFTER = 2.0  # a page whose first request takes longer is measured only SLOW_RUNS times
SLOW_RUNS = 3
STARTUP_TIMEOUT = 120.0  # a child's Django start-up and login
BATCH_LETTERS = 6000  # every renewal of a prefecture (about 5,500); at x10 a prefecture-sized batch
# Ids per POST of the batch form: Django refuses a request with more than DATA_UPLOAD_MAX_NUMBER_FIELDS (1,000)
# fields, so a larger batch is sent as several print jobs, as a user would have to.
POST_IDS = 900
KANA_QUERY = "サ"
NAME_QUERY = "佐藤"
ADMIN_USERNAME = "bench_superuser"


@dataclass(frozen=True)
class PageSpec:
    key: str
    label: str  # {…} fields are filled from the plan's counts
    username: str
    admin: str  # key of ADMIN
    url_name: str = ""  # where set, the page's URL is reversed from it; a name that does not resolve skips the row


PAGES = [
    PageSpec("home_hq", "ホーム（本部管理者）", "demo_hq_admin", "council_all"),
    PageSpec("home_station", "ホーム（署長）", "demo_chief", "council_station"),
    PageSpec("home_koban", "ホーム（交番所長）", "demo_koban_chief", "council_station"),
    PageSpec("councils_hq", "協議会一覧（本部管理者・{councils:,}件）", "demo_hq_admin", "council_all"),
    PageSpec("councils_station", "協議会一覧（署長・{station_councils}件）", "demo_chief", "council_station"),
    PageSpec("council", "協議会の画面（委員{members}名）", "demo_chief", "membership_council"),
    PageSpec("renewals", "任期満了の一括処理（署地域課）", "demo_community", "membership_ending"),
    PageSpec("people", "人物一覧（本部管理者・{people:,}人）", "demo_hq_admin", "person_all"),
    PageSpec("people_kana", f"人物検索 カナ「{KANA_QUERY}」（本部管理者）", "demo_hq_admin", "person_kana"),
    PageSpec("people_name", f"人物検索 氏名「{NAME_QUERY}」（本部管理者）", "demo_hq_admin", "person_name"),
    PageSpec("pick_kana", f"人物の選択 カナ「{KANA_QUERY}」（署地域課）", "demo_community", "person_kana"),
    PageSpec("pick_name", f"人物の選択 氏名「{NAME_QUERY}」（署地域課）", "demo_community", "person_name"),
    # The meetings and cases of issue 9: the station's lists (C10.1), one meeting and its Form 3 (C11.2).
    PageSpec("meetings_station", "会議一覧（署地域課・{station_meetings:,}件）", "demo_community", "meeting_station"),
    PageSpec("meeting", "会議の画面（交番所長）", "demo_koban_chief", "meeting_station"),
    PageSpec("form3", "様式第3号 PDF（交番所長）", "demo_koban_chief", "meeting_station"),
    PageSpec("cases_station", "意見・要望一覧（署地域課・{station_cases:,}件）", "demo_community", "case_station"),
    # The community safety network of issue 10: the station's contact-person list (N2.4) and the chief's view
    # (N4.4), which reads the station's year of exchanges. Rows whose URL name does not resolve are skipped.
    PageSpec(
        "contacts_station",
        "地域安全連絡員一覧（署地域課・{station_contacts:,}人）",
        "demo_community",
        "contact_station",
        url_name="network:contact_list",
    ),
    PageSpec(
        "network_figures",
        "署長の画面（情報交換{station_exchanges:,}件）",
        "demo_chief",
        "exchange_station",
        url_name="network:figures",
    ),
    # The station chief's and HQ's figures of issue 13 (C10.1, N4.4): HQ's first page of 50 stations with the sums
    # over all, one station's tables for its chief, each an SQL aggregate over the year's records and the stored
    # findings.
    PageSpec(
        "figures_hq",
        "警察署別の状況（本部管理者・50署と全署の計）",
        "demo_hq_admin",
        "council_all",
        url_name="figures:index",
    ),
    PageSpec("figures_station", "署の状況（署長）", "demo_chief", "council_station", url_name="figures:index"),
]
ADMIN = {
    "council_all": "管理画面 協議会（全件）",
    "council_station": "管理画面 協議会（署で絞込み）",
    "membership_council": "管理画面 委嘱（協議会で絞込み）",
    "membership_ending": "管理画面 委嘱（署・終期で絞込み）",
    "person_all": "管理画面 住民等（全件）",
    "person_kana": f"管理画面 住民等（検索「{KANA_QUERY}」）",
    "person_name": f"管理画面 住民等（検索「{NAME_QUERY}」）",
    "meeting_station": "管理画面 会議（署で絞込み）",
    "case_station": "管理画面 意見・要望（署で絞込み）",
    "contact_station": "管理画面 地域安全連絡員（署で絞込み）",
    "exchange_station": "管理画面 情報交換（署で絞込み）",
}
# Whose council list is measured while the batch renders, in turn.
LISTS_DURING_BATCH = {"demo_hq_admin": "本部管理者", "demo_chief": "署長"}
# Seconds between those requests, one batch each. Four a second of the heaviest list is more than a prefecture's
# users ask of it (a few hundred officers at most, each reading a page now and then); back to back, one core is the
# pages' and the worker shares what is left.
BATCH_PAGE_PAUSES = {"利用者の操作の間隔（0.25 秒おき）": 0.25, "連続（間隔なし）": 0.0}


# === inside a child process =================================================================================


def memory_kb(pid: int | str = "self") -> tuple[int, int]:
    """(current RSS, peak RSS) of a process in kB, from /proc; (0, ru_maxrss) where there is no /proc."""
    try:
        fields = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
        )
        return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])
    except (OSError, KeyError, ValueError):
        return 0, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss if pid == "self" else 0


def emit(write: Callable[[str], None], event: str, **values) -> None:
    write(PREFIX + json.dumps({"event": event, **values}, ensure_ascii=False))


def renewal_window(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The terms a renewal round deals with: those ending from today to the end of the fiscal year."""
    year = today.year + (1 if today.month > 3 else 0)
    return today, datetime.date(year, 3, 31)


def plan(today: datetime.date) -> dict:
    """What the pages are about: the demo logins' station, koban and council, the counts for the labels, and the
    URLs of ours and of the admin's. Creates the admin's superuser."""
    from django.contrib.auth import get_user_model

    from liaison.cases.models import Case
    from liaison.councils.models import Council, Membership
    from liaison.councils.queries import current_memberships
    from liaison.meetings.models import Meeting
    from liaison.network.models import ContactPerson, Exchange
    from liaison.org.models import Officer
    from liaison.people.models import Person

    user_model = get_user_model()
    officers = {
        o.user.username: o
        for o in Officer.objects.filter(user__username__in=[p.username for p in PAGES]).select_related("user")
    }
    missing = sorted({p.username for p in PAGES} - set(officers))
    if missing:
        raise RuntimeError(f"demo logins missing: {missing}")
    station_id = officers["demo_chief"].station_id
    koban_id = officers["demo_koban_chief"].koban_id
    active = Council.objects.filter(status=Council.Status.ACTIVE)
    council = active.filter(kobans=koban_id).order_by("pk").first() or active.filter(station=station_id).first()
    members = Membership.objects.filter(current_memberships(today), council=council).count() if council else 0
    admin, _created = user_model.objects.get_or_create(
        username=ADMIN_USERNAME, defaults={"is_staff": True, "is_superuser": True, "password": "!"}
    )
    start, end = renewal_window(today)
    meeting = (
        Meeting.objects.filter(council=council, status=Meeting.Status.HELD).order_by("-starts_at", "-pk").first()
        if council
        else None
    )
    urls = {
        "home_hq": "/",
        "home_station": "/",
        "home_koban": "/",
        "councils_hq": "/councils/",
        "councils_station": "/councils/",
        "council": f"/councils/{council.pk}/" if council else "",
        "renewals": "/councils/renewals/",
        "people": "/people/",
        "people_kana": "/people/?" + urlencode({"q": KANA_QUERY}),
        "people_name": "/people/?" + urlencode({"q": NAME_QUERY}),
        # The search-as-you-type picker of the appointment form (issue 7): the same search, 20 results.
        "pick_kana": "/people/pick/?" + urlencode({"q": KANA_QUERY}),
        "pick_name": "/people/pick/?" + urlencode({"q": NAME_QUERY}),
        "meetings_station": "/meetings/",
        "meeting": f"/meetings/{meeting.pk}/" if meeting else "",
        "form3": f"/reports/meetings/{meeting.pk}/form3.pdf" if meeting else "",
        "cases_station": "/cases/",
    }
    skipped = {}
    for spec in PAGES:
        if spec.url_name:
            try:
                urls[spec.key] = reverse(spec.url_name)
            except NoReverseMatch:
                urls[spec.key] = ""
                skipped[spec.key] = f"URL {spec.url_name} がないため計測しませんでした"

    admin_urls = {
        "council_all": "/admin/councils/council/",
        "council_station": f"/admin/councils/council/?station__id__exact={station_id}",
        "membership_council": f"/admin/councils/membership/?council__id__exact={council.pk if council else 0}",
        "membership_ending": "/admin/councils/membership/?"
        + urlencode(
            {"council__station__id__exact": station_id, "end_date__gte": start.isoformat(), "end_date__lte": end}
        ),
        "person_all": "/admin/people/person/",
        "person_kana": "/admin/people/person/?" + urlencode({"q": KANA_QUERY}),
        "person_name": "/admin/people/person/?" + urlencode({"q": NAME_QUERY}),
        "meeting_station": f"/admin/meetings/meeting/?council__station__id__exact={station_id}",
        "case_station": f"/admin/cases/case/?station__id__exact={station_id}",
        "contact_station": f"/admin/network/contactperson/?station__id__exact={station_id}",
        "exchange_station": f"/admin/network/exchange/?station__id__exact={station_id}",
    }
    counts = {
        "councils": active.count(),
        "station_councils": active.filter(station=station_id).count(),
        "members": members,
        "people": Person.objects.filter(merged_into__isnull=True).count(),
        "station_meetings": Meeting.objects.filter(council__station=station_id).count(),
        "station_cases": Case.objects.filter(station=station_id).count(),
        "station_contacts": ContactPerson.objects.filter(station=station_id).count(),
        "station_exchanges": Exchange.objects.filter(station=station_id).count(),
    }
    return {
        "urls": urls,
        "admin_urls": admin_urls,
        "counts": counts,
        "admin_user": admin.username,
        "skipped": skipped,
    }


def measure_page(write, *, username: str, url: str) -> None:
    """Request ``url`` as ``username`` once for each line the parent sends (its turn, see ``measure_in_step``),
    until the parent closes standard input."""
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    client = Client(raise_request_exception=True)
    client.force_login(get_user_model().objects.get(username=username))
    rss, _peak = memory_kb()
    emit(write, "ready", rss_kb=rss)

    def request() -> tuple[float, int]:
        counter = QueryCounter()
        with connection.execute_wrapper(counter):
            start = time.perf_counter()
            response = client.get(url)
            response.content  # noqa: B018 — read the whole body, as a browser would
            elapsed = time.perf_counter() - start
        if response.status_code != 200:
            raise RuntimeError(f"HTTP {response.status_code}")
        return elapsed, counter.count

    try:
        for _turn in sys.stdin:
            elapsed, queries = request()
            emit(write, "run", seconds=elapsed, queries=queries)
    except Exception as exc:  # the page's own failure is the result, e.g. SQLite's "Expression tree is too large"
        message = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
        emit(write, "error", message=message, peak_kb=memory_kb()[1])
        return
    _rss, peak = memory_kb()
    emit(write, "done", peak_kb=peak)


def measure_batch(write, *, today: datetime.date, letters: int, timeout: float, pause: float) -> None:
    """Form 1 for the renewals through the batch form and the standing background worker, measuring the council list
    (HQ's and the station chief's, in turn, ``pause`` seconds apart; 0 for back to back) while the worker renders.

    The worker is started and ready before the batch is sent, as it is on a server: the time is the user's, from the
    first request of the batch form until the last job is done, queueing included.
    """
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import resolve
    from django.utils import timezone

    from liaison.councils.models import Council, Membership
    from liaison.reports.models import PrintJob, WorkerHeartbeat

    start, end = renewal_window(today)
    renewals = (
        Membership.objects.filter(
            council__status=Council.Status.ACTIVE, ended_on__isnull=True, end_date__gte=start, end_date__lte=end
        )
        .exclude(following__kind=Membership.Kind.REAPPOINTMENT)
        .order_by("council__station__order", "council__name", "person__sort_key", "pk")
    )
    total = renewals.count()
    ids = list(renewals.values_list("pk", flat=True)[:letters])
    users = get_user_model().objects.in_bulk(LISTS_DURING_BATCH, field_name="username")
    clients = {}
    for username in LISTS_DURING_BATCH:
        clients[username] = Client(raise_request_exception=True)
        clients[username].force_login(users[username])
    client = clients["demo_hq_admin"]
    chunks = [ids[i : i + POST_IDS] for i in range(0, len(ids), POST_IDS)]
    if len(chunks) > 1 and len(chunks[-1]) <= 30:  # a small remainder would print at once instead of as a job
        chunks[-2:] = [chunks[-2] + chunks[-1]]

    worker_id = f"bench-{os.getpid()}"
    worker = subprocess.Popen(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "db_worker", "--no-reload"]
        + ["--no-startup-delay", "--worker-id", worker_id],
        cwd=settings.BASE_DIR,
        env=dict(os.environ),
    )
    deadline = time.monotonic() + timeout
    try:
        while not WorkerHeartbeat.objects.filter(worker_id=worker_id).exists():
            if worker.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the worker did not start")
            time.sleep(0.1)
        peak = [0]
        stop = threading.Event()

        def watch() -> None:
            while not stop.wait(0.2):
                peak[0] = max(peak[0], memory_kb(worker.pid)[1])

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        began = timezone.now()
        job_ids = []
        for chunk in chunks:
            response = client.post("/reports/letters/batch/", {"ids": chunk})
            if response.status_code != 302:
                raise RuntimeError(f"batch form: HTTP {response.status_code}")
            job_ids.append(int(resolve(urlsplit(response.url).path).kwargs["pk"]))
        emit(write, "queued", letters=len(ids), renewals=total, jobs=len(job_ids))
        unfinished = PrintJob.objects.filter(pk__in=job_ids).exclude(
            status__in=[PrintJob.Status.DONE, PrintJob.Status.FAILED]
        )
        seconds: dict[str, list[float]] = {username: [] for username in LISTS_DURING_BATCH}
        errors: dict[str, list[str]] = {username: [] for username in LISTS_DURING_BATCH}
        turn = 0
        try:
            while unfinished.exists():
                if worker.poll() is not None:
                    raise RuntimeError(f"the worker stopped (exit code {worker.returncode})")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the batch did not finish within {timeout:.0f} s")
                username = list(LISTS_DURING_BATCH)[turn % len(LISTS_DURING_BATCH)]
                turn += 1
                begun = time.perf_counter()
                try:
                    response = clients[username].get("/councils/")
                    response.content  # noqa: B018
                    if response.status_code == 200:
                        seconds[username].append(time.perf_counter() - begun)
                    else:
                        errors[username].append(f"HTTP {response.status_code}")
                except Exception as exc:
                    errors[username].append(f"{type(exc).__name__}: {exc}"[:120])
                    time.sleep(1)
                time.sleep(pause)
        finally:
            stop.set()
            watcher.join()
    finally:
        worker.terminate()  # a standing worker stops on SIGTERM after its current task
        try:
            worker.wait(30)
        except subprocess.TimeoutExpired:
            worker.kill()
    jobs = list(PrintJob.objects.filter(pk__in=job_ids))
    failed = [job.error or job.status for job in jobs if job.status != PrintJob.Status.DONE]
    finished = max((job.finished_at for job in jobs if job.finished_at), default=timezone.now())
    elapsed = (finished - began).total_seconds()
    emit(
        write,
        "batch",
        letters=len(ids),
        jobs=len(jobs),
        failed=failed[:3],
        seconds=elapsed,
        pause=pause,
        worker_peak_kb=peak[0],
        pdf_bytes=sum(job.result.size for job in jobs if job.result),
        list_seconds=seconds,
        list_errors={username: sorted(set(found))[:2] for username, found in errors.items()},
    )


# === the parent: databases, children, tables ================================================================


@dataclass
class Measured:
    """One page or admin changelist as measured in its child."""

    label: str
    seconds: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    rss_kb: int = 0
    peak_kb: int = 0
    error: str = ""
    timed_out: bool = False
    limit: float = 0.0  # the time limit a request went past
    slow: bool = False
    skipped: str = ""  # why the row was not measured (its page does not exist in this version)

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds and not self.failed else None

    @property
    def p95(self) -> float | None:
        return percentile(self.seconds, 0.95) if self.seconds and not self.failed else None

    @property
    def failed(self) -> bool:
        return bool(self.error) or self.timed_out or bool(self.skipped)


@dataclass
class ScaleResult:
    scale: str
    database: str
    pages: dict[str, Measured] = field(default_factory=dict)
    admin: dict[str, Measured] = field(default_factory=dict)
    batch: dict | None = None


def _ms(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds * 1000:,.1f}"


def _mb(kb: int) -> str:
    return f"{kb / 1024:,.0f}" if kb else "-"


def _p95_cell(measured: Measured) -> str:
    if measured.skipped:
        return "未計測"
    if measured.timed_out:
        return f"> {measured.limit:g} s"
    return "エラー" if measured.error else _ms(measured.p95)


def _ratio(ours: float | None, theirs: float | None) -> str:
    if ours is None or not theirs:
        return "-"
    return f"{ours / theirs:,.2f}"


class Child:
    """A child ``manage.py`` process whose ``BENCH`` lines are read with a time limit per line."""

    def __init__(self, args: list[str], env: dict, echo: Callable[[str], None]):
        self.echo = echo
        self.process = subprocess.Popen(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
            cwd=settings.BASE_DIR,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            start_new_session=True,  # so that a kill reaches the child's own children (the batch's worker)
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stderr: list[str] = []
        self.peak_kb = 0  # the child's peak RSS when it was killed
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def _read_stderr(self) -> None:
        for line in self.process.stderr:
            self.stderr = [*self.stderr[-20:], line.rstrip("\n")]

    def events(self, first_timeout: float, timeout: float) -> Iterator[dict]:
        """The child's events; raises TimeoutError when one takes longer than allowed. The child is killed then, and
        also when the reader stops early (an error, Ctrl-C), since it runs in a session of its own."""
        limit = first_timeout
        try:
            while True:
                try:
                    line = self.lines.get(timeout=limit)
                except queue.Empty:
                    self.kill()
                    raise TimeoutError from None
                if line is None:
                    self.process.wait()
                    return
                if line.startswith(PREFIX):
                    event = json.loads(line.removeprefix(PREFIX))
                    yield event
                    limit = timeout
                else:
                    self.echo(line)
        finally:
            if self.process.poll() is None:
                self.kill()

    def turn(self) -> bool:
        """Tell a page child to make its next request; False when it has already gone."""
        try:
            self.process.stdin.write("\n")
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            return False
        return True

    def close(self) -> None:
        """No more turns: a page child reports its peak memory and ends."""
        with contextlib.suppress(BrokenPipeError, OSError):
            self.process.stdin.close()

    def kill(self) -> None:
        self.peak_kb = memory_kb(self.process.pid)[1]
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def failure(self) -> str:
        tail = [line for line in self.stderr if line.strip()]
        return tail[-1][:300] if tail else f"exit code {self.process.returncode}"


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    """A PostgreSQL cluster from ``bin/pg_throwaway`` for the duration of the block; yields its database URL."""
    process = subprocess.Popen(
        ["bash", str(Path(settings.BASE_DIR) / "bin" / "pg_throwaway")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = process.stdout.readline().strip()
        if not url:
            raise RuntimeError("bin/pg_throwaway did not start a cluster")
        yield url
    finally:
        process.stdin.close()
        process.wait(timeout=120)


def database_in_cluster(cluster_url: str, name: str) -> str:
    """A new, empty database ``name`` in the cluster of ``cluster_url`` (dropped first if it exists); its URL."""
    postgres_run(cluster_url, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)", f"CREATE DATABASE {name}")
    return urlunsplit(urlsplit(cluster_url)._replace(path=f"/{name}"))


def postgres_run(url: str, *statements: str) -> list[tuple]:
    """Run statements outside any transaction (CREATE DATABASE needs that); the rows of the last one."""
    import psycopg

    rows: list[tuple] = []
    with psycopg.connect(url, autocommit=True) as conn:
        for statement in statements:
            cursor = conn.execute(statement)
            rows = cursor.fetchall() if cursor.description else []
    return rows


def terminate_backends(url: str, wait: float = 60.0) -> bool:
    """End the other sessions on ``url``'s database: killing a client leaves its query running on the server, and
    a query being JIT-compiled may ignore the request for a while. True when they were gone within ``wait`` s."""
    others = "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    deadline = time.monotonic() + wait
    try:
        while True:
            left = postgres_run(url, f"SELECT pg_terminate_backend(pid) {others}", f"SELECT count(*) {others}")
            if not left[0][0]:
                return True
            if time.monotonic() > deadline:
                return False
            time.sleep(1)
    except Exception:  # the database itself is unreachable: nothing more to end from here
        return False


class ScaleRun:
    """One scale in its own database (a throw-away one unless the caller gave one), as a context: ``prepare`` builds
    and plans it, ``measure_scales`` measures it beside the other scales of the run, and leaving the context drops
    the throw-away database (see the module docstring)."""

    def __init__(self, *, scale, database, database_url, cluster_url, runs, quick, batch, timeout, seed, out):
        self.scale = scale
        self.database = database
        self.database_url = database_url
        self.cluster_url = cluster_url
        self.runs = runs
        self.quick = quick
        self.batch = batch
        self.timeout = timeout
        self.seed = seed
        self.out = out
        self.planned: dict = {}

    def __enter__(self) -> ScaleRun:
        self._tmp = tempfile.TemporaryDirectory(prefix="liaison-bench-")
        url = self.database_url
        self._created = None
        if not url and self.cluster_url:
            try:
                url = database_in_cluster(self.cluster_url, f"bench_{self.scale}")
            except BaseException:
                self._tmp.cleanup()  # __exit__ is not called when __enter__ fails
                raise
            self._created = f"bench_{self.scale}"
        self.url = url or f"sqlite:///{Path(self._tmp.name) / 'bench.sqlite3'}"
        self.env = dict(
            os.environ,
            LIAISON_BENCH_INSIDE="1",
            DATABASE_URL=self.url,
            VAR_DIR=self._tmp.name,
            DJANGO_SETTINGS_MODULE=BENCH_SETTINGS,
            ALLOWED_HOSTS="testserver",
            DJANGO_ENV="development",
            DEBUG="0",
            PYTHONUNBUFFERED="1",
        )
        return self

    def __exit__(self, *exc_info) -> None:
        try:
            if self._created:
                postgres_run(self.cluster_url, f"DROP DATABASE IF EXISTS {self._created} WITH (FORCE)")
        finally:
            self._tmp.cleanup()

    def write(self, line: str = "") -> None:
        self.out(line)

    def step(self, label: str, args: list[str]) -> None:
        """Run a manage.py command in the scale's database, passing its output on as it comes (progress)."""
        started = time.perf_counter()
        with subprocess.Popen(
            [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
            cwd=settings.BASE_DIR,
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        ) as process:
            for line in process.stdout:
                self.write(f"  {line.strip()}")
        if process.returncode != 0:
            raise RuntimeError(f"{label} failed (exit code {process.returncode})")
        self.write(f"{label}: {time.perf_counter() - started:,.1f} 秒")

    def prepare(self) -> None:
        """Migrate, fill (unless the caller's database already holds this scale) and plan the pages."""
        self.write(f"=== 規模 {self.scale}、{self.database} ===")
        self.step("migrate", ["migrate", "--no-input", "--verbosity", "0"])
        # A database of the caller's own may already hold this scale (an earlier run): it is measured as it is.
        keep = ["--keep-existing"] if self.database_url else []
        self.step(
            f"generate_scale --scale {self.scale}",
            ["generate_scale", "--scale", self.scale, "--seed", str(self.seed), *keep],
        )
        child = Child(["bench", "--inside", "--task", "plan"], self.env, self.write)
        for event in child.events(STARTUP_TIMEOUT, STARTUP_TIMEOUT):
            if event["event"] == "plan":
                self.planned = event["plan"]
        if not self.planned:
            raise RuntimeError(f"plan: {child.failure()}")
        self.write("")

    def run_batch(self) -> dict | None:
        """The batch once for each of ``BATCH_PAGE_PAUSES``; the first (as users ask for pages) is the result."""
        found = [self._run_batch(label, pause) for label, pause in BATCH_PAGE_PAUSES.items()]
        if found[0] is not None:
            found[0]["others"] = found[1:]
        return found[0]

    def _run_batch(self, label: str, pause: float) -> dict | None:
        args = ["bench", "--inside", "--task", "batch", "--letters", str(BATCH_LETTERS), "--pause", str(pause)]
        args += ["--timeout", str(self.timeout * 100)]
        child = Child(args, self.env, self.write)
        found = None
        self.write(f"一括印刷、その間の協議会一覧は{label}:")
        try:
            for event in child.events(STARTUP_TIMEOUT * 5, self.timeout * 100):
                if event["event"] == "queued":
                    self.write(
                        f"  任期が年度末までに満了する委員 {event['renewals']:,}名のうち {event['letters']:,}名の"
                        f"委嘱状を、印刷ジョブ {event['jobs']}件としてワーカーに渡しました。"
                    )
                elif event["event"] == "batch":
                    found = event
        except TimeoutError:
            self.write("  一括印刷: 時間内に終わりませんでした。")
            return None
        if found is None:
            self.write(f"  一括印刷: 計測できませんでした（{child.failure()}）")
            return None
        pages = found["letters"] / found["seconds"] if found["seconds"] > 0 else 0
        self.write(
            f"  一括印刷（様式第1号）: {found['letters']:,}枚、{found['jobs']}件、{found['seconds']:,.1f} 秒、"
            f"{pages:,.1f} 枚/秒、ワーカーの最大RSS {_mb(found['worker_peak_kb'])} MB、"
            f"PDF {found['pdf_bytes'] / 1e6:,.1f} MB"
        )
        if found["failed"]:
            self.write(f"  失敗したジョブ: {found['failed']}")
        for username, role in LISTS_DURING_BATCH.items():
            listed, failed = found["list_seconds"][username], found["list_errors"][username]
            if listed:
                self.write(
                    f"  その間の協議会一覧（{role}）: {len(listed)}回、中央値 {_ms(statistics.median(listed))} ms、"
                    f"p95 {_ms(percentile(listed, 0.95))} ms"
                )
            for error in failed:
                self.write(f"  その間の協議会一覧（{role}）の失敗: {error}")
        found["pages_per_second"] = pages
        found["label"] = label
        return found

    def table(self, result: ScaleResult) -> None:
        columns = [("項目", 44, "<"), ("回数", 4, ">"), ("中央値 ms", 10, ">"), ("p95 ms", 10, ">")]
        columns += [("クエリ数", 8, ">"), ("RSS MB", 7, ">"), ("増分 MB", 7, ">"), ("管理画面 ms", 11, ">")]
        columns += [("÷管理画面", 9, ">")]
        self.write(format_cells([c[0] for c in columns], columns))
        self.write(format_cells(["-" * c[1] for c in columns], columns))
        for spec in PAGES:
            measured = result.pages[spec.key]
            admin = result.admin[spec.admin]
            self.write(format_cells(row_cells(measured, admin), columns))
        self.write("")
        for measured in result.admin.values():
            self.write(format_cells(row_cells(measured, None), columns))
        self.write("")
        warm_up = "1回目も計測" if self.quick else "各項目、計測しない1回目を先に実行"
        self.write(f"回数は計測回数（{warm_up}）。中央値と p95 はミリ秒、クエリ数は1回あたり。")
        self.write("RSS は項目ごとの子プロセスの最大 RSS、増分は1回目の要求の前からの増加。")
        self.write("管理画面 ms は同じモデル・同じデータの Django 管理画面の一覧の中央値、÷管理画面は中央値の比。")
        for spec in PAGES:
            measured = result.pages[spec.key]
            if measured.slow:
                self.write(
                    f"注: {measured.label}は1回目が {SLOW_AFTER:.0f} 秒を超えたため {SLOW_RUNS} 回だけ計測しました。"
                )
        for measured in [*result.pages.values(), *result.admin.values()]:
            if measured.skipped:
                self.write(f"注: {measured.label}: {measured.skipped}")
            if measured.error:
                self.write(f"注: {measured.label}: {measured.error}")
            if measured.timed_out:
                self.write(f"注: {measured.label}: {self.timeout:.0f} 秒以内に応答がなく、打ち切りました。")


class PageTurns:
    """One page (or admin changelist) at one scale, measured in a child of its own one request at a time."""

    def __init__(self, run: ScaleRun, label: str, child: Child):
        self.run = run
        self.measured = Measured(label)
        self.child = child
        self.events = child.events(STARTUP_TIMEOUT, run.timeout)
        self.live = True
        self.turns_left = 0

    def _next(self) -> dict | None:
        """The child's next event; None when it failed, timed out or ended (the row is then over)."""
        measured = self.measured
        try:
            event = next(self.events)
        except StopIteration:
            event = None
        except TimeoutError:
            measured.timed_out, measured.limit, measured.peak_kb = True, self.run.timeout, self.child.peak_kb
            if self.run.url.startswith("postgres") and not terminate_backends(self.run.url):
                measured.error = "打ち切った後もデータベースのサーバープロセスが1分以上終了しませんでした"
            event = None
        if event is not None and event["event"] == "error":
            measured.error, measured.peak_kb = event["message"], event.get("peak_kb", 0)
            event = None
        if event is None:
            self.live = False
        return event

    def ready(self) -> None:
        event = self._next()
        if event is not None:
            self.measured.rss_kb = event["rss_kb"]

    def request(self, *, timed: bool) -> float | None:
        """One request; its seconds, or None when the row is over."""
        if not self.live or not self.child.turn():
            self.live = False
            return None
        event = self._next()
        if event is None:
            return None
        if timed:
            self.measured.seconds.append(event["seconds"])
            self.measured.queries.append(event["queries"])
            self.turns_left -= 1
        return event["seconds"]

    def finish(self) -> None:
        if self.live:
            self.child.close()
            while (event := self._next()) is not None:
                if event["event"] == "done":
                    self.measured.peak_kb = event["peak_kb"]
        if not self.measured.failed and not self.measured.peak_kb:
            self.measured.error = self.child.failure()


def measure_in_step(rows: list[PageTurns], *, runs: int, quick: bool) -> None:
    """Measure one page at several scales in turns: one request at the first scale, one at the next, and so on,
    the order reversed every round.

    Why in turns: on a shared two-core machine the same page, measured alone, has answered 30 % slower a minute
    later (the host's other work, the page cache). A page measured at each scale minutes apart showed that as
    growth; requests taken in turns share those minutes, so x10 ÷ prefecture shows what the data changes.

    The first round is the untimed warm-up (unless ``quick``); a row whose warm-up took longer than ``SLOW_AFTER``
    is timed only ``SLOW_RUNS`` times, the others go on to ``runs``."""
    for row in rows:
        row.ready()
    for row in rows:
        row.turns_left = runs
    if not quick:
        for row in rows:
            warm = row.request(timed=False)
            if warm is not None and warm > SLOW_AFTER and runs > SLOW_RUNS:
                row.turns_left, row.measured.slow = SLOW_RUNS, True
    turn = 0
    while waiting := [row for row in rows if row.live and row.turns_left > 0]:
        for row in waiting if turn % 2 == 0 else waiting[::-1]:
            row.request(timed=True)
        turn += 1
    for row in rows:
        row.finish()


def measure_scales(scale_runs: list[ScaleRun]) -> list[ScaleResult]:
    """Every page and admin changelist at every prepared scale, the scales in turns (``measure_in_step``); then
    each scale's table and, with ``--batch``, its batch."""
    results = [ScaleResult(run.scale, run.database) for run in scale_runs]
    if not scale_runs:
        return results
    rows = [("pages", spec.key, spec.label, spec.username) for spec in PAGES]
    rows += [("admin", key, label, "") for key, label in ADMIN.items()]
    for kind, key, label_format, username in rows:
        turns = []
        for run, result in zip(scale_runs, results, strict=True):
            planned = run.planned
            label = label_format.format(**planned["counts"])
            skipped = planned.get("skipped", {}).get(key) if kind == "pages" else ""
            if skipped:
                result.pages[key] = Measured(label, skipped=skipped)
                continue
            url = planned["urls" if kind == "pages" else "admin_urls"][key]
            args = ["bench", "--inside", "--task", "page", "--user", username or planned["admin_user"], "--url", url]
            page = PageTurns(run, label, Child(args, run.env, lambda _line: None))
            getattr(result, kind)[key] = page.measured
            turns.append(page)
        measure_in_step(turns, runs=scale_runs[0].runs, quick=scale_runs[0].quick)
    scales = "・".join(run.scale for run in scale_runs)
    for run, result in zip(scale_runs, results, strict=True):
        together = f"（{scales} を1回ずつ交互に計測）" if len(scale_runs) > 1 else ""
        run.write(f"--- 規模 {run.scale}、{run.database}{together} ---")
        run.table(result)
        if run.batch:
            result.batch = run.run_batch()
    return results


def row_cells(measured: Measured, admin: Measured | None) -> list[str]:
    if measured.failed:
        timing = ["-", _p95_cell(measured), "-"]
    else:
        timing = [str(len(measured.seconds)), _ms(measured.median), _ms(measured.p95)]
    queries = "-"
    if measured.queries:
        low, high = min(measured.queries), max(measured.queries)
        queries = str(low) if low == high else f"{low}–{high}"
    growth = measured.peak_kb - measured.rss_kb if measured.peak_kb and measured.rss_kb else 0
    cells = [measured.label, *timing, queries, _mb(measured.peak_kb), _mb(growth)]
    if admin is None:
        return [*cells, "", ""]
    return [*cells, _ms(admin.median), _ratio(measured.median, admin.median)]


def format_cells(cells: list[str], columns) -> str:
    return "  ".join(pad(cell, width, align) for cell, (_label, width, align) in zip(cells, columns, strict=True))


def growth_table(results: list[ScaleResult], out: Callable[[str], None]) -> None:
    """x10 ÷ prefecture for each page of one database, on p95 and on the median."""
    by_scale = {r.scale: r for r in results}
    small, large = by_scale.get("prefecture"), by_scale.get("x10")
    if not small or not large:
        return
    columns = [("項目（x10 ÷ prefecture）", 44, "<"), ("p95 pref.", 10, ">"), ("p95 x10", 10, ">")]
    columns += [("比 p95", 7, ">"), ("中央値比", 8, ">"), ("クエリ数", 10, ">")]
    out(f"=== 規模による増え方（{large.database}）===")
    out(format_cells([c[0] for c in columns], columns))
    out(format_cells(["-" * c[1] for c in columns], columns))
    rows = [(spec.key, small.pages, large.pages) for spec in PAGES]
    rows += [(key, small.admin, large.admin) for key in ADMIN]
    for key, small_rows, large_rows in rows:
        a, b = small_rows[key], large_rows[key]
        queries = "-"
        if a.queries and b.queries:
            queries = f"{max(a.queries)} → {max(b.queries)}"
        out(
            format_cells(
                [b.label, _p95_cell(a), _p95_cell(b), _ratio(b.p95, a.p95), _ratio(b.median, a.median), queries],
                columns,
            )
        )
    out("")
