"""The export of a very long list, measured (issue 11): ``manage.py bench --export-cases 300000``.

In the bench's child process (its own throw-away database with the demo loaded), the cases are topped up to the
number asked with ``bulk_create`` (copies of the demo's cases spread over its stations), then HQ's whole case list is
exported as .xlsx and as .csv through the list's own URL, the file read to its end and thrown away as a browser
would save it. Each line gives the time, the rows, the file's size and the peak resident memory (RSS) of the
process during that export: where Linux allows it the peak is reset first (``/proc/self/clear_refs``), otherwise it is
the process's peak so far, and the growth over the RSS before the export is shown beside it.
"""

from __future__ import annotations

import datetime
import resource
import time
from collections.abc import Callable
from pathlib import Path

BATCH = 5000


def _rss_kib(field: str) -> int:
    """``VmRSS`` (now) or ``VmHWM`` (peak) of this process in KiB, from /proc; getrusage's peak without /proc."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def top_up_cases(count: int, out: Callable[[str], None]) -> int:
    """Cases up to ``count``, created in batches from the demo's own; returns how many there are."""
    from django.contrib.auth import get_user_model

    from liaison.cases.models import Case
    from liaison.org.models import Station

    have = Case.objects.count()
    if have >= count:
        return have
    stations = list(Station.objects.filter(active=True).values_list("pk", flat=True))
    user = get_user_model().objects.get(username="demo_hq_admin")
    start = time.perf_counter()
    today = datetime.date.today()  # noqa: DTZ011 - spreading dates only
    categories, kinds = Case.Category.values, Case.RaisedBy.values
    made = have
    while made < count:
        size = min(BATCH, count - made)
        Case.objects.bulk_create(
            Case(
                station_id=stations[(made + i) % len(stations)],
                received_on=today - datetime.timedelta(days=(made + i) % 1500),
                category=categories[(made + i) % len(categories)],
                content=f"通学路の横断歩道が消えかけている（計測用 {made + i}）",
                raised_by_kind=kinds[(made + i) % len(kinds)],
                raised_by_name="計測 太郎" if i % 3 == 0 else "",
                answer="所管課に伝えます" if i % 2 == 0 else "",
                created_by=user,
            )
            for i in range(size)
        )
        made += size
    out(f"意見・要望を {made - have:,}件作成しました（{time.perf_counter() - start:.1f}秒、計 {made:,}件）")
    return made


def measure_case_export(count: int, out: Callable[[str], None]) -> None:
    """Top the cases up to ``count`` and print the time and peak RSS of exporting them all as .xlsx and .csv."""
    from django.contrib.auth import get_user_model
    from django.test import Client, override_settings

    total = top_up_cases(count, out)
    client = Client()
    client.force_login(get_user_model().objects.get(username="demo_hq_admin"))
    out("")
    out(f"意見・要望の一覧（本部管理者・全署 {total:,}件）の出力")
    for label, params in (("Excel", {"format": "xlsx"}), ("CSV", {"format": "csv"})):
        before = _rss_kib("VmRSS")
        reset = _reset_peak()
        start = time.perf_counter()
        # Timed in the request, as the writer itself: past EXPORT_INLINE_ROWS a user's export goes to the worker.
        with override_settings(EXPORT_INLINE_ROWS=total + 1):
            response = client.get("/cases/", params)
        size = sum(len(chunk) for chunk in response.streaming_content)  # read to the end, then closed
        elapsed = time.perf_counter() - start
        peak = _rss_kib("VmHWM")
        basis = "出力中の最大" if reset else "プロセスの最大"
        out(
            f"  {label}: {elapsed:.1f}秒、{size / 1024 / 1024:.1f} MB、RSS {basis} {peak / 1024:.0f} MiB"
            f"（出力前 {before / 1024:.0f} MiB、増加 {(peak - before) / 1024:+.0f} MiB）"
        )
