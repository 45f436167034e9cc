"""The demo prefecture's reports: the history of Form 3 (開催結果報告書, C11.2) and good-practice reports (好事例,
C11.1(2)).

Form 3: every held meeting more than a week old was reported by its koban and decided — routine ones by the deputy,
the others by the station chief — written as rows like the rest of the demo's history; the most recent meetings are
not reported yet, so the finding 「開催結果報告が未提出」 shows once their deadline passes.

Good practice, recorded and routed through the actions: the demo station reports three — one accepted by HQ, one
returned with a comment and waiting for correction, one waiting for HQ's decision; another station has one accepted,
so HQ's list shows more than one station. Each links a meeting and a request of its council where the demo has them.
"""

from __future__ import annotations

import datetime
import random

from django.utils import timezone
from faker import Faker

from liaison.access.roles import Role
from liaison.cases.models import Case
from liaison.meetings.models import Meeting
from liaison.org.models import Officer, Station
from liaison.reports import actions, routing
from liaison.reports.models import Submission

REPORTS = [
    (
        "通学路の見守りを協議会と共同で始めました",
        "連絡協議会の定期会議で、通学路の交差点に一時停止を守らない車が多いとの意見が出ました。交番と委員が"
        "登校時間帯に交代で立つ見守りを始め、三か月で違反が目に見えて減りました。",
        "accept",
        "",
    ),
    (
        "空き巣の連続発生を受けた臨時会議",
        "管内で空き巣が続いたため臨時会議を開き、被害の状況と手口を伝え、町内会の回覧で戸締まりを呼びかけました。"
        "以後、同種の被害は出ていません。",
        "return",
        "被害件数の推移と、回覧の配布範囲を書き加えてください。",
    ),
    (
        "高齢者宅への防犯診断を委員と訪問",
        "委員の紹介で一人暮らしの高齢者宅を訪ね、鍵や窓の防犯診断をしました。特殊詐欺の手口も伝えています。",
        "",
        "",
    ),
]


def _officer(org: dict, username: str) -> Officer:
    return org["demo"][username]


REPORTED_AFTER = datetime.timedelta(days=7)  # meetings older than this were reported (Form 3) and decided


def form3_history(rng: random.Random, unreported: Meeting | None) -> None:
    """Approved Form 3 rounds for the held meetings more than a week old, each submitted by the koban's chief a few
    days after the meeting and decided a few days later (the deputy for routine ones, else the station chief);
    ``unreported`` is left without one, so the demo koban sees the missing report."""
    deciders = {}
    for officer in Officer.objects.filter(role__in=[Role.STATION_CHIEF, Role.DEPUTY], active=True).order_by("pk"):
        deciders.setdefault((officer.station_id, officer.role), officer.user_id)
    koban_chiefs = {}
    for officer in Officer.objects.filter(role=Role.KOBAN_CHIEF, active=True).order_by("pk"):
        koban_chiefs.setdefault(officer.koban_id, officer.user_id)
    cutoff = timezone.now() - REPORTED_AFTER
    meetings = (
        Meeting.objects.filter(status=Meeting.Status.HELD, starts_at__lt=cutoff)
        .select_related("council")
        .prefetch_related("council__kobans")
        .order_by("starts_at", "pk")
    )
    rows = []
    for meeting in meetings:
        if unreported is not None and meeting.pk == unreported.pk:
            continue
        kobans = list(meeting.council.kobans.all())
        submitter = next((koban_chiefs[k.pk] for k in kobans if k.pk in koban_chiefs), None)
        station = meeting.council.station_id
        routine = meeting.kind == Meeting.Kind.REGULAR and rng.random() < 0.7
        decider = deciders.get((station, Role.DEPUTY if routine else Role.STATION_CHIEF))
        if submitter is None or decider is None:
            continue
        submitted = meeting.starts_at + datetime.timedelta(days=rng.randint(1, 5), hours=rng.randint(1, 6))
        rows.append(
            Submission(
                kind=routing.FORM3.code,
                object_id=meeting.pk,
                station_id=station,
                label=str(meeting),
                status=Submission.Status.APPROVED,
                routine=routine,
                submitted_by_id=submitter,
                submitted_at=submitted,
                decided_by_id=decider,
                decided_at=submitted + datetime.timedelta(days=rng.randint(0, 2), hours=rng.randint(1, 5)),
            )
        )
    Submission.objects.bulk_create(rows, batch_size=500)
    routing.refresh(list(Submission.objects.filter(kind=routing.FORM3.code).values_list("pk", flat=True)))
    routing.refresh_meetings([row.object_id for row in rows])  # their Form 3 is no longer missing


def build(*, rng: random.Random, fake: Faker, org: dict) -> None:
    chief, hq = _officer(org, "demo_chief"), _officer(org, "demo_hq_admin")
    koban_chief = _officer(org, "demo_koban_chief")
    # The demo koban's latest held meeting is not reported yet: its finding shows on the koban chief's home page.
    unreported = (
        Meeting.objects.filter(council__kobans=koban_chief.koban_id, status=Meeting.Status.HELD)
        .order_by("-starts_at", "-pk")
        .first()
    )
    form3_history(rng, unreported)
    station = chief.station
    meetings = list(
        Meeting.objects.filter(council__station=station, status=Meeting.Status.HELD).order_by("-starts_at", "pk")[:3]
    )
    cases = list(Case.objects.filter(station=station, meeting_link__isnull=False).order_by("-received_on", "pk")[:3])
    today = max((m.starts_at.date() for m in meetings), default=datetime.date(2026, 11, 1))
    for i, (title, text, decision, comment) in enumerate(REPORTS):
        practice = actions.good_practice_create(
            station=station,
            koban=koban_chief.koban if i != 1 else None,
            title=title,
            text=text,
            occurred_on=today - datetime.timedelta(days=30 * (i + 1)),
            meetings=meetings[i : i + 1],
            cases=cases[i : i + 1],
            acting_user=koban_chief.user if i != 1 else chief.user,
        )
        submission = actions.report_submit(
            kind=routing.GOOD_PRACTICE, obj=practice, acting_user=koban_chief.user if i != 1 else chief.user
        )
        if decision:
            actions.report_decide(
                submission=submission, approve=decision == "accept", comment=comment, acting_user=hq.user
            )
    other = Station.objects.filter(active=True).exclude(pk=station.pk).order_by("order", "code").first()
    other_chief = Officer.objects.filter(station=other, role=Officer.Role.STATION_CHIEF, active=True).first()
    if other is not None and other_chief is not None:
        practice = actions.good_practice_create(
            station=other,
            koban=None,
            title="地域安全の会で自転車盗難の防止を呼びかけ",
            text="協議会の委員と駅前の駐輪場で二重ロックを呼びかけ、自転車盗難が前年より減りました。",
            occurred_on=today - datetime.timedelta(days=45),
            acting_user=other_chief.user,
        )
        submission = actions.report_submit(kind=routing.GOOD_PRACTICE, obj=practice, acting_user=other_chief.user)
        actions.report_decide(submission=submission, approve=True, acting_user=hq.user)
