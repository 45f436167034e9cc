"""Writes of the audit app beyond the entries themselves: starting a background list export (issue 11)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from .models import ExportJob

# A finished export's file is kept this long for its user to download, then deleted when the next job starts.
KEEP_FINISHED = datetime.timedelta(days=1)


def export_job_start(*, user, station_id, title: str, path: str, params: list, fmt: str, encoding: str, total: int):
    """Queue the export of the list at ``path`` with ``params`` for ``user``; the job and its task commit together.

    Not audited here: the worker writes the export's entry when the file is made, as the inline export does."""
    from .tasks import run_export_job

    purge_finished_exports()
    job = ExportJob.objects.create(
        user=user,
        station_id=station_id,
        title=title,
        path=path,
        params=params,
        fmt=fmt,
        encoding=encoding,
        total=total,
    )
    result = run_export_job.enqueue(job.pk)
    ExportJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.task_id = str(result.id)
    return job


def purge_finished_exports(now: datetime.datetime | None = None) -> int:
    """Delete the export jobs finished more than a day ago, and their files (lists of personal data are not kept
    longer than their user needs to download them); returns how many went."""
    old = ExportJob.objects.filter(finished_at__lt=(now or timezone.now()) - KEEP_FINISHED)
    count = 0
    for job in old:
        if job.result:
            job.result.delete(save=False)
        job.delete()
        count += 1
    return count
