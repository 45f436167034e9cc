"""Writes of the reports app: starting a background print job."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from liaison.access.policy import officer_of, station_id_of

from .kinds import DocumentKind
from .models import PrintJob
from .tasks import render_print_job


@transaction.atomic
def print_job_start(*, kind: DocumentKind, objects: Sequence, acting_user) -> PrintJob:
    """Queue ``objects`` to be printed as ``kind`` by the background worker; the job and its task commit together.

    The job belongs to the first object's station (or the requester's), so the station's printers see it. It is not
    audited here: the download is the export, and it is audited then.
    """
    if not objects:
        raise ValidationError(_("印刷するものが選ばれていません。"))
    officer = officer_of(acting_user)
    station_id = station_id_of(objects[0]) or (officer.station_id if officer else None)
    if station_id is None:
        raise ValidationError(_("印刷ジョブの警察署が決まりません。"))
    job = PrintJob.objects.create(
        station_id=station_id,
        requested_by=acting_user,
        kind=kind.code,
        object_ids=[obj.pk for obj in objects],
        total=len(objects),
    )
    result = render_print_job.enqueue(job.pk)
    PrintJob.objects.filter(pk=job.pk).update(task_id=str(result.id))
    job.task_id = str(result.id)
    return job
