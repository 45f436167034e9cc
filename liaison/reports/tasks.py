"""Background rendering of large batches of forms (django-tasks, database backend)."""

from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from .documents import appointment_letters_pdf_in_chunks, letter_queryset
from .models import PrintJob

CHUNK_SIZE = 20


@task()
def render_print_job(job_id: int) -> None:
    """Render a PrintJob's letters chunk by chunk, recording progress, then store the PDF on the job."""
    job = PrintJob.objects.get(pk=job_id)
    if job.is_finished:
        return
    PrintJob.objects.filter(pk=job.pk).update(status=PrintJob.Status.RUNNING, done=0)
    try:
        by_id = letter_queryset().in_bulk(job.membership_ids)
        memberships = [by_id[i] for i in job.membership_ids if i in by_id]
        if len(memberships) != len(job.membership_ids):
            raise ValueError("委嘱の一部が見つかりません（削除された可能性があります）。")

        def progress(count: int) -> None:
            PrintJob.objects.filter(pk=job.pk).update(done=count)

        pdf = appointment_letters_pdf_in_chunks(memberships, chunk_size=CHUNK_SIZE, progress=progress)
        job.refresh_from_db()
        job.result.save(f"job-{job.pk}.pdf", ContentFile(pdf), save=False)
        job.status = PrintJob.Status.DONE
        job.done = job.total
        job.finished_at = timezone.now()
        job.save(update_fields=["result", "status", "done", "finished_at"])
    except Exception as exc:
        PrintJob.objects.filter(pk=job.pk).update(
            status=PrintJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now(), done=F("done")
        )
        raise
