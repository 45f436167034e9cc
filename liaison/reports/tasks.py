"""Background rendering of large batches of documents (django-tasks, database backend)."""

from django.core.files.base import ContentFile
from django.db.models import F
from django.utils import timezone
from django_tasks import task

from .models import PrintJob


@task()
def render_print_job(job_id: int) -> None:
    """Render a PrintJob's objects as its document kind chunk by chunk, recording progress, then store the PDF."""
    job = PrintJob.objects.get(pk=job_id)
    if job.is_finished:
        return
    PrintJob.objects.filter(pk=job.pk).update(status=PrintJob.Status.RUNNING, done=0)
    try:
        kind = job.document
        objects = kind.load(job.object_ids)

        def progress(count: int) -> None:
            PrintJob.objects.filter(pk=job.pk).update(done=count)

        pdf = kind.pdf(objects, progress=progress)
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
