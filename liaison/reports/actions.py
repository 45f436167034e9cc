"""Writes of the reports app: background print jobs, the routing of reports (submit, decide) and good practice."""

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.access.policy import officer_of, station_id_of
from liaison.audit.log import record

from . import routing
from .kinds import DocumentKind
from .models import GoodPractice, GoodPracticeAttachment, PrintJob, Submission
from .routing import RoutingKind
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


# --- the routing of reports ---------------------------------------------------------------------------------------


@transaction.atomic
def report_submit(*, kind: RoutingKind, obj, routine: bool = False, note: str = "", acting_user) -> Submission:
    """Submit the report of ``obj`` as ``kind`` (again, after a return): a new round waiting for a decision.

    Refused when a round is already open; of two submissions at the same moment, the unique constraint lets one in.
    """
    if not kind.may_submit(acting_user, obj):
        raise PermissionDenied
    station_id = station_id_of(obj)
    previous = Submission.objects.filter(kind=kind.code, object_id=obj.pk, latest=True)
    previous_ids = list(previous.values_list("pk", flat=True))
    if kind.final_when_approved and previous.filter(status=Submission.Status.APPROVED).exists():
        raise ValidationError(_("この報告はすでに決裁されています。"))
    try:
        with transaction.atomic():
            previous.update(latest=False)
            submission = Submission.objects.create(
                kind=kind.code,
                object_id=obj.pk,
                station_id=station_id,
                label=kind.label(obj)[:200],
                routine=bool(routine) and kind.routine_allowed,
                submitted_by=acting_user,
                submitted_at=timezone.now(),
                note=note,
            )
    except IntegrityError:
        raise ValidationError(_("この報告はすでに提出され、決裁を待っています。")) from None
    record(
        user=acting_user,
        action=f"{kind.code}.submit",
        summary=f"{kind.noun}を提出しました（{submission.label}{'、軽易かつ定型的' if submission.routine else ''}）",
        obj=submission,
        detail={"kind": kind.code, "object_id": obj.pk, "note": note, "routine": submission.routine},
    )
    routing.refresh([*previous_ids, submission.pk])
    if kind.code == routing.FORM3.code:  # a submitted Form 3 is no longer missing
        routing.refresh_meetings([obj.pk])
    return submission


@transaction.atomic
def report_decide(*, submission: Submission, approve: bool, comment: str = "", acting_user) -> Submission:
    """Approve (accept) or return an open round; a return needs a comment saying what to correct.

    The decision is one conditional UPDATE of the open round: of two people deciding at once, exactly one wins and
    the other is told the round was decided already.
    """
    kind = submission.routing
    obj = kind.load(submission.object_id)
    if not kind.may_decide(acting_user, obj, submission):
        raise PermissionDenied
    if submission.submitted_by_id == acting_user.pk:
        # A chief or deputy may also submit a report (they hold the submit permission); a report is never decided by
        # the one who submitted it.
        raise ValidationError(_("自分が提出した報告は決裁できません。"))
    comment = comment.strip()
    if not approve and not comment:
        raise ValidationError({"comment": _("差し戻す理由（修正してほしい点）を入力してください。")})
    status = Submission.Status.APPROVED if approve else Submission.Status.RETURNED
    now = timezone.now()
    won = Submission.objects.filter(pk=submission.pk, status=Submission.Status.SUBMITTED).update(
        status=status, decided_by=acting_user, decided_at=now, comment=comment
    )
    if not won:
        raise ValidationError(_("この報告は、ほかの人がすでに決裁しました。"))
    submission.status, submission.decided_by, submission.decided_at, submission.comment = (
        status,
        acting_user,
        now,
        comment,
    )
    verb = "受理・決裁しました" if approve else "差し戻しました"
    record(
        user=acting_user,
        action=f"{kind.code}.{'approve' if approve else 'return'}",
        summary=f"{kind.noun}を{verb}（{submission.label}）",
        obj=submission,
        detail={"kind": kind.code, "object_id": submission.object_id, "comment": comment},
    )
    routing.refresh([submission.pk])
    return submission


# --- good practice ----------------------------------------------------------------------------------------------


def _attach(practice: GoodPractice, uploads, acting_user) -> list[GoodPracticeAttachment]:
    attached = []
    for upload in uploads:
        attachment = GoodPracticeAttachment(
            good_practice=practice, name=upload.name[:200], size=upload.size, uploaded_by=acting_user
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.save()
        attached.append(attachment)
    return attached


def _link(practice: GoodPractice, meetings, cases) -> None:
    """Link the practice to meetings and cases of its own station only (C11.1(2)); others are refused."""
    if any(station_id_of(obj) != practice.station_id for obj in [*meetings, *cases]):
        raise ValidationError(_("自署の会議・意見要望だけを関連付けられます。"))
    practice.meetings.set(meetings)
    practice.cases.set(cases)


@transaction.atomic
def good_practice_create(
    *, station, koban, title: str, text: str, occurred_on, uploads=(), meetings=(), cases=(), acting_user
):
    """C11.1(2): record a good-practice report of ``station`` (and ``koban``) with its attachments and the meetings
    and cases it came from, not yet sent."""
    practice = GoodPractice.objects.create(
        station=station, koban=koban, title=title, text=text, occurred_on=occurred_on, created_by=acting_user
    )
    _link(practice, meetings, cases)
    attached = _attach(practice, uploads, acting_user)
    record(
        user=acting_user,
        action="good_practice.create",
        summary=f"好事例を登録しました（{title}、添付{len(attached)}件）",
        obj=practice,
        detail={
            "attachments": [a.name for a in attached],
            "meeting_ids": [m.pk for m in meetings],
            "case_ids": [c.pk for c in cases],
        },
    )
    return practice


@transaction.atomic
def good_practice_update(
    *,
    practice: GoodPractice,
    title: str,
    text: str,
    occurred_on,
    uploads=(),
    remove_ids=(),
    meetings=None,
    cases=None,
    acting_user,
):
    """Correct a good-practice report that is not waiting for a decision (a draft, or one HQ returned)."""
    if Submission.objects.filter(
        kind=routing.GOOD_PRACTICE.code, object_id=practice.pk, status=Submission.Status.SUBMITTED
    ).exists():
        raise ValidationError(_("決裁待ちの好事例は修正できません。"))
    practice.title, practice.text, practice.occurred_on = title, text, occurred_on
    practice.save(update_fields=["title", "text", "occurred_on", "updated_at"])
    if meetings is not None or cases is not None:
        _link(
            practice,
            list(practice.meetings.all()) if meetings is None else meetings,
            list(practice.cases.all()) if cases is None else cases,
        )
    removed = list(practice.attachments.filter(pk__in=list(remove_ids)))
    for attachment in removed:
        attachment.delete()
    attached = _attach(practice, uploads, acting_user)
    record(
        user=acting_user,
        action="good_practice.update",
        summary=f"好事例を修正しました（{title}、添付の追加{len(attached)}件・削除{len(removed)}件）",
        obj=practice,
        detail={"added": [a.name for a in attached], "removed": [a.name for a in removed]},
    )
    return practice
