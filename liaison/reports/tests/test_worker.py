"""Batch printing needs a running worker (C6.3): the worker records a heartbeat, and a job page says plainly when a
job has waited a minute with no worker alive, instead of showing 「作成中です」 forever."""

import contextlib
import datetime
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command, get_commands
from django.db import OperationalError
from django.urls import reverse
from django.utils import timezone
from django_tasks.signals import task_started

from liaison.reports.management.commands.db_worker import WORKER_NICENESS
from liaison.reports.models import PrintJob, WorkerHeartbeat
from liaison.reports.tasks import render_print_job
from liaison.reports.worker import heartbeat, job_waits_without_worker, worker_alive

from .conftest import make_council
from .test_views import many_members

NO_WORKER = "印刷を処理するワーカー（バックグラウンド処理）が動いていません"


def queued_job(world, *, waited: datetime.timedelta, status=PrintJob.Status.QUEUED) -> PrintJob:
    council = make_council(world, members=many_members(2))
    job = PrintJob.objects.create(
        station=world.station_a,
        requested_by=world.user("community_section"),
        kind="form1",
        object_ids=list(council.memberships.values_list("pk", flat=True)),
        total=2,
        status=status,
    )
    # Set the job's age back instead of sleeping.
    PrintJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - waited)
    job.refresh_from_db()
    return job


def heartbeat_row(seen_ago: datetime.timedelta, worker_id="w1") -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(worker_id=worker_id, started_at=now - seen_ago, last_seen=now - seen_ago)


def job_page(client, job, *, htmx=False) -> str:
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(reverse("reports:job", args=[job.pk]), headers=headers)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db
def test_c6_3_a_job_queued_a_minute_with_no_worker_says_so_and_what_to_do(world, client_for):
    """C6.3: after a minute in the queue with no worker alive, the page (and the polled fragment) say so plainly and
    name the command to start; it keeps polling so that it carries on once a worker starts."""
    job = queued_job(world, waited=datetime.timedelta(seconds=61))
    client = client_for("community_section")
    for html in (job_page(client, job), job_page(client, job, htmx=True)):
        assert NO_WORKER in html and "manage.py db_worker" in html and "システム管理者" in html
        assert 'hx-trigger="every 2s"' in html


@pytest.mark.django_db
def test_c6_3_a_job_queued_less_than_a_minute_waits_quietly(world, client_for):
    job = queued_job(world, waited=datetime.timedelta(seconds=30))
    html = job_page(client_for("community_section"), job)
    assert NO_WORKER not in html and "作成中です" in html


@pytest.mark.django_db
def test_c6_3_a_live_worker_heartbeat_means_the_job_just_waits_its_turn(world, client_for):
    """C6.3: a worker that beat a few seconds ago is alive (busy with other jobs): no alarm; a stale one is not."""
    job = queued_job(world, waited=datetime.timedelta(minutes=5))
    client = client_for("community_section")
    heartbeat_row(datetime.timedelta(seconds=5))
    assert NO_WORKER not in job_page(client, job)
    WorkerHeartbeat.objects.update(last_seen=timezone.now() - datetime.timedelta(minutes=2))
    assert NO_WORKER in job_page(client, job)


@pytest.mark.django_db
def test_c6_3_only_queued_jobs_wait_for_a_worker(world):
    for status in (PrintJob.Status.RUNNING, PrintJob.Status.DONE, PrintJob.Status.FAILED):
        assert not job_waits_without_worker(queued_job(world, waited=datetime.timedelta(hours=1), status=status))
    assert job_waits_without_worker(queued_job(world, waited=datetime.timedelta(hours=1)))
    assert not worker_alive()
    heartbeat_row(datetime.timedelta(seconds=1))
    assert worker_alive()


def test_c6_3_manage_py_db_worker_is_the_worker_with_a_heartbeat():
    """C6.3: the README's and the page's ``manage.py db_worker`` is this app's command, not the bare one."""
    assert get_commands()["db_worker"] == "liaison.reports"


@pytest.mark.django_db(transaction=True)  # the worker closes its database connection when it finishes
def test_c6_3_db_worker_beats_while_it_runs_and_clears_its_row_when_it_stops(world):
    """C6.3: while the worker runs a print job its heartbeat is fresh; when it stops, the row is gone."""
    council = make_council(world, members=many_members(1))
    job = PrintJob.objects.create(
        station=world.station_a,
        requested_by=world.user("community_section"),
        kind="form1",
        object_ids=list(council.memberships.values_list("pk", flat=True)),
        total=1,
    )
    render_print_job.enqueue(job.pk)
    seen = []

    def during_task(sender, **kwargs):
        seen.extend(WorkerHeartbeat.objects.values_list("last_seen", flat=True))
        seen.append(worker_alive())

    task_started.connect(during_task)
    try:
        call_command(
            "db_worker", "--no-reload", "--no-startup-delay", "--max-tasks", "1", "--interval", "0", "--nice", "0"
        )
    finally:
        task_started.disconnect(during_task)
    job.refresh_from_db()
    assert job.status == PrintJob.Status.DONE, job.error
    assert len(seen) == 2 and seen[1] is True
    assert not WorkerHeartbeat.objects.exists()


def _niceness(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def _last_seen() -> datetime.datetime:
    """The beat's time, read while the heartbeat thread may be writing it. The test database on SQLite is shared
    in memory, where a table being written is reported locked at once instead of waited for (a file database, as
    in the field, waits): such a read is tried again."""
    for _ in range(100):
        try:
            return WorkerHeartbeat.objects.get().last_seen
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.01)
    return WorkerHeartbeat.objects.get().last_seen


@pytest.mark.django_db(transaction=True)
def test_c6_3_the_heartbeat_goes_on_from_a_thread_while_the_worker_is_busy():
    with heartbeat("busy-worker", interval=0.05):
        first = _last_seen()
        deadline = time.monotonic() + 10
        while _last_seen() == first and time.monotonic() < deadline:
            time.sleep(0.05)  # the main thread is "busy"; the beats come from the heartbeat thread
        assert _last_seen() > first
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db
def test_a_heartbeat_forgets_workers_silent_for_a_day():
    heartbeat_row(datetime.timedelta(days=2), worker_id="killed")
    with heartbeat("new", interval=60):
        assert list(WorkerHeartbeat.objects.values_list("worker_id", flat=True)) == ["new"]


# --- bin/serve runs the worker beside the web server ------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[3]


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has stopped, it only waits to be reaped


def _cmdline(pid: int) -> str:
    return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Serve:
    """``bash bin/serve`` on a throw-away VAR_DIR and PORT."""

    def __init__(self, tmp_path: Path):
        self.var = tmp_path / "var"
        self.port = _free_port()
        self.env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_ENV", "RUN_MAIN")}
        self.env.update(VAR_DIR=str(self.var), PORT=str(self.port))
        self.log = tmp_path / "serve.log"
        self.started: list[subprocess.Popen] = []
        self.children: list[int] = []

    def manage(self, *args: str) -> None:
        subprocess.run([str(ROOT / ".venv/bin/python"), "manage.py", *args], cwd=ROOT, env=self.env, check=True)

    def start(self) -> tuple[subprocess.Popen, list[int]]:
        """Start bin/serve; return it and the process groups of its worker and server once both are up."""
        with self.log.open("ab") as log:
            proc = subprocess.Popen(
                ["bash", "bin/serve"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.started.append(proc)
        pids_file = self.var / "run" / f"serve.{proc.pid}"
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            assert proc.poll() is None, self.log.read_text()
            pids = [int(p) for p in pids_file.read_text().split()] if pids_file.exists() else []
            if len(pids) == 2 and self.heartbeats(pids[0]) and self.answers():
                self.children += pids
                return proc, pids
            time.sleep(0.2)
        raise AssertionError("bin/serve did not start its worker and server:\n" + self.log.read_text())

    def heartbeats(self, pid: int) -> int:
        db = self.var / "koban.sqlite3"
        with contextlib.closing(sqlite3.connect(db, timeout=5)) as connection:
            return connection.execute("SELECT count(*) FROM reports_workerheartbeat WHERE pid = ?", [pid]).fetchone()[0]

    def answers(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/accounts/login/", timeout=2) as response:
                return response.status == 200
        except OSError:
            return False

    def clean_up(self) -> None:
        """Kill what this test started, whatever state a failure left it in."""
        for proc in self.started:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        recorded = [int(p) for f in (self.var / "run").glob("serve.*") for p in f.read_text().split()]
        for pgid in {*self.children, *recorded}:
            with contextlib.suppress(OSError):
                if _running(pgid) and os.readlink(f"/proc/{pgid}/cwd") == str(ROOT.resolve()):
                    os.killpg(pgid, signal.SIGKILL)


@pytest.mark.skipif(not Path("/proc/self/stat").exists() or shutil.which("setsid") is None, reason="needs Linux")
@pytest.mark.skipif(
    bool(os.environ.get("DATABASE_URL")), reason="bin/serve runs on its own SQLite file: once is enough"
)
def test_c6_3_bin_serve_runs_the_worker_and_stops_it_with_the_server(tmp_path):
    """C6.3: README's first command starts the worker beside the web server; Ctrl-C stops both; a worker and server
    left behind by a bin/serve killed outright are stopped by the next one, so no stray worker is left."""
    serve = Serve(tmp_path)
    serve.manage("migrate", "-v", "0")
    serve.manage(
        "shell",
        "-v",
        "0",
        "-c",
        "from liaison.org.models import Station; Station.objects.create(name='試験署', code='T1')",
    )
    try:
        first, (worker, server) = serve.start()
        assert "db_worker" in _cmdline(worker) and "runserver" in _cmdline(server)
        # The worker yields the CPU to the pages while a batch renders (``db_worker --nice``, 10 by default).
        assert _niceness(worker) == _niceness(server) + WORKER_NICENESS
        first.kill()  # killed outright: no chance to stop its children
        first.wait()
        assert _running(worker) and _running(server)

        second, (worker2, server2) = serve.start()
        assert not _running(worker) and not _running(server)
        assert _running(worker2) and _running(server2)

        second.send_signal(signal.SIGINT)  # Ctrl-C
        assert second.wait(timeout=30) == 130
        assert not _running(worker2) and not _running(server2)
        assert not serve.heartbeats(worker2) and not serve.answers()
        assert not list((serve.var / "run").glob("serve.*"))
    finally:
        serve.clean_up()
