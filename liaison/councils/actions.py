"""Writes to councils and memberships. Each validates, saves and audits in one transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from liaison.audit.log import japanese, record
from liaison.lib import once
from liaison.lib.dates import require_office_date, today_tokyo
from liaison.lib.versioning import bump_version, save_versioned
from liaison.lib.wareki import to_wareki
from liaison.org.models import Koban, Officer, PrefectureSettings, Station
from liaison.people import actions as people_actions
from liaison.people.models import Person

from . import coverage, findings, rules
from .models import Council, CouncilReview, Membership, Notice
from .queries import current_memberships

COUNCIL_FIELDS = [
    "name",
    "kind",
    "occupational_kind",
    "coverage",
    "area_description",
    "reason",
    "established_on",
]


def _check_council_values(values: dict, kobans: list[Koban], station: Station) -> None:
    if not kobans:
        raise ValidationError(_("対象の交番・駐在所を選んでください。"))
    foreign = [k.name for k in kobans if k.station_id != station.pk]
    if foreign:
        raise ValidationError(
            _("%(kobans)sは%(station)sの交番・駐在所ではありません。")
            % {"kobans": "、".join(foreign), "station": station.name}
        )
    if values.get("kind") == Council.Kind.OCCUPATIONAL and not values.get("occupational_kind"):
        raise ValidationError(_("職種等連絡協議会の区分を選んでください。"))
    if values.get("coverage") == Council.Coverage.SEVERAL and len(kobans) < 2:
        raise ValidationError(_("複数の所管区を統合する協議会には、交番・駐在所を2つ以上選んでください。"))
    if values.get("coverage") in (Council.Coverage.WHOLE, Council.Coverage.PART) and len(kobans) != 1:
        raise ValidationError(_("一つの所管区を対象とする協議会には、交番・駐在所を1つ選んでください。"))
    if values.get("established_on"):
        require_office_date(values["established_on"])


@transaction.atomic
def council_create(
    *, station: Station, values: dict, kobans: list[Koban], acting_user, form_token: str | None = None
) -> Council:
    """Set up a council (C3.1, C4, C5) covering the given kobans of ``station``; once per form token."""
    claim = once.claim(form_token, acting_user)
    _check_council_values(values, kobans, station)
    council = Council.objects.create(station=station, **{k: values.get(k, "") for k in COUNCIL_FIELDS})
    council.kobans.set(kobans)
    findings.refresh([council.pk])
    coverage.refresh(k.pk for k in kobans)
    record(user=acting_user, action="council.create", summary=f"{council.name}を設置しました", obj=council)
    claim.done(council)
    return council


@transaction.atomic
def council_update(*, council: Council, values: dict, kobans: list[Koban], version: int, acting_user) -> Council:
    """Change a council's particulars unless someone else saved it since ``version`` (then StaleEdit)."""
    _check_council_values(values, kobans, council.station)
    first_start = council.memberships.order_by("start_date").values_list("start_date", flat=True).first()
    if first_start and values.get("established_on") and values["established_on"] > first_start:
        raise ValidationError(
            _("設置日を、最初の委嘱の始期（%(date)s）より後にはできません。") % {"date": to_wareki(first_start)}
        )
    council = Council.objects.get(pk=council.pk)
    for name in COUNCIL_FIELDS:
        setattr(council, name, values.get(name, ""))
    save_versioned(council, version, COUNCIL_FIELDS)
    covered_before = set(council.kobans.values_list("pk", flat=True))
    council.kobans.set(kobans)
    findings.refresh([council.pk])
    coverage.refresh(covered_before | {k.pk for k in kobans})  # those it left may have no council now
    record(user=acting_user, action="council.update", summary=f"{council.name}の内容を変更しました", obj=council)
    return council


@transaction.atomic
def council_set_bylaws(*, council: Council, upload, acting_user) -> Council:
    """C10.4: keep the council's bylaws (規約・会則) document."""
    council.bylaws.save(upload.name, upload, save=False)
    bump_version(Council.objects.filter(pk=council.pk), bylaws=council.bylaws.name)
    record(user=acting_user, action="council.bylaws", summary=f"{council.name}の規約・会則を登録しました", obj=council)
    return council


@transaction.atomic
def operation_manager_confirm(*, council: Council, officer: Officer, acting_user) -> Council:
    """C3.2(3): the station chief designates the operation manager from the council's koban staff."""
    if officer.koban_id not in set(council.kobans.values_list("pk", flat=True)) or not officer.active:
        raise ValidationError(_("運営責任者は、協議会の交番・駐在所の勤務員から指定してください。"))
    bump_version(
        Council.objects.filter(pk=council.pk),
        operation_manager=officer,
        operation_manager_confirmed_by=acting_user,
        operation_manager_confirmed_at=timezone.now(),
    )
    council.refresh_from_db()
    # No rule reads the operation manager today; refreshed so that one added for C3.2(3) needs no new call here.
    findings.refresh([council.pk])
    record(
        user=acting_user,
        action="council.operation_manager",
        summary=f"{council.name}の運営責任者に{officer.title}{officer.full_name}を指定しました",
        obj=council,
    )
    return council


def _term_years() -> int:
    return PrefectureSettings.current().term_years


def _refuse_public_office(person: Person, day: datetime.date) -> None:
    office = person.public_office_on(day)
    refusal = rules.appointment_refusal(person_name=person.full_name, public_office=office.office if office else None)
    if refusal:
        raise ValidationError(refusal.message, code=refusal.code)


def _refuse_second_chair(council: Council, post: str, start: datetime.date, end: datetime.date, exclude=None):
    if post != Membership.Post.CHAIR:
        return
    overlapping = council.memberships.filter(post=Membership.Post.CHAIR, start_date__lte=end, end_date__gte=start)
    overlapping = overlapping.exclude(ended_on__lt=start)
    if exclude is not None:
        overlapping = overlapping.exclude(pk__in=exclude)
    other = overlapping.select_related("person").first()
    if other:
        raise ValidationError(
            _("この期間には%(name)sさんが会長です。会長は1人です（要綱第3-2-(1)）。")
            % {"name": other.person.full_name},
            code="many_chairs",
        )


def _refuse_overlap(council: Council, person: Person, start: datetime.date, end: datetime.date, exclude=None):
    overlapping = council.memberships.filter(person=person, start_date__lte=end, end_date__gte=start).exclude(
        ended_on__lt=start
    )
    if exclude is not None:
        overlapping = overlapping.exclude(pk__in=exclude)
    if overlapping.exists():
        raise ValidationError(
            _("%(name)sさんはこの期間すでにこの協議会の委員です。") % {"name": person.full_name}, code="overlap"
        )


def _lock(model, pk):
    # Serialises concurrent changes to the same council/person on PostgreSQL; SQLite's IMMEDIATE transactions
    # already serialise writers.
    return model.objects.select_for_update().get(pk=pk)


@transaction.atomic
def membership_appoint(
    *,
    council: Council,
    person: Person,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    kind: str = Membership.Kind.NEW,
    post: str = Membership.Post.MEMBER,
    post_title: str = "",
    leader_category: str = "",
    letter_number: str = "",
    letter_date: datetime.date | None = None,
    previous: Membership | None = None,
    station: Station | None = None,
    term_changed_with_consent: bool = False,
    consent_date: datetime.date | None = None,
    consent_note: str = "",
    acting_user,
    form_token: str | None = None,
) -> Membership:
    """Appoint a member for one term (C6.2, C6.3). Refuses public-office holders (C6.4(1)) and a second chair.

    With a ``form_token`` the appointment is made once however often the form is sent (see lib.once).
    """
    # "One term per person and one chair at a time" is a date-range rule the database can hold only in part (see
    # Membership.Meta): the lock on the council makes concurrent appointments to it check one after the other.
    claim = once.claim(form_token, acting_user)
    council = _lock(Council, council.pk)
    person = Person.objects.prefetch_related("public_offices").get(pk=person.pk)
    if not council.is_active:
        raise ValidationError(_("廃止・再編済みの協議会には委嘱できません。"))
    if person.merged_into_id:
        raise ValidationError(_("統合済みの住民等の記録です。統合先の記録を選んでください。"))
    require_office_date(start_date)
    if start_date < council.established_on:
        raise ValidationError(
            _("任期の始期が、協議会の設置日（%(date)s）より前です。") % {"date": to_wareki(council.established_on)},
            code="before_established",
        )
    _refuse_public_office(person, start_date)
    end_date = end_date or rules.term_end(start_date, _term_years())
    if end_date < start_date:
        raise ValidationError(_("任期の終期が始期より前です。"))
    _refuse_overlap(council, person, start_date, end_date)
    _refuse_second_chair(council, post, start_date, end_date, exclude=[previous.pk] if previous else None)
    membership = Membership.objects.create(
        council=council,
        person=person,
        station=station or council.station,
        kind=kind,
        start_date=start_date,
        end_date=end_date,
        post=post,
        post_title=post_title if post == Membership.Post.OTHER else "",
        leader_category=leader_category,
        previous=previous,
        letter_number=letter_number,
        letter_date=letter_date or start_date,
        term_changed_with_consent=term_changed_with_consent,
        consent_date=consent_date,
        consent_note=consent_note,
        created_by=acting_user,
    )
    findings.refresh([council.pk])
    record(
        user=acting_user,
        action=f"membership.{kind}",
        summary=f"{person.full_name}さんを{council.name}委員に委嘱しました（{japanese(membership.get_kind_display)}、"
        f"{to_wareki(start_date)}〜{to_wareki(end_date)}）",
        obj=membership,
        personal_data=True,
    )
    claim.done(membership)
    return membership


@transaction.atomic
def person_record_and_appoint(
    *, person_data: dict, council: Council, acting_user, form_token: str | None = None, **term
):
    """Record a new person for the council's station and appoint them in one step; once per form token."""
    claim = once.claim(form_token, acting_user)
    person = people_actions.person_create(data=person_data, station=council.station, acting_user=acting_user)
    membership = membership_appoint(council=council, person=person, acting_user=acting_user, **term)
    claim.done(membership)
    return membership


@transaction.atomic
def membership_reappoint(
    *,
    membership: Membership,
    start_date: datetime.date | None = None,
    term_years: int | None = None,
    consent_date: datetime.date | None = None,
    consent_note: str = "",
    letter_date: datetime.date | None = None,
    acting_user,
) -> Membership:
    """C6.2(1) reappointment for a new term; C6.2(3) a different term length only with the member's consent."""
    membership = _lock(Membership, membership.pk)
    if membership.ended_on:
        raise ValidationError(
            _("%(name)sさんの委嘱は終了しています。新たに委嘱してください。") % {"name": membership.person.full_name}
        )
    if membership.following.filter(kind=Membership.Kind.REAPPOINTMENT).exists():
        raise ValidationError(_("%(name)sさんはすでに再任されています。") % {"name": membership.person.full_name})
    default_years = _term_years()
    changed = term_years is not None and term_years != default_years
    if changed and consent_date is None:
        raise ValidationError(_("任期を変更するには、委員本人の承諾日を記録してください（要綱第6-2-(3)）。"))
    # The day after a stored end date far outside the office range would overflow (9999-12-31).
    require_office_date(start_date or membership.end_date)
    start = start_date or membership.end_date + datetime.timedelta(days=1)
    return membership_appoint(
        council=membership.council,
        person=membership.person,
        start_date=start,
        end_date=rules.term_end(start, term_years if changed else default_years),
        kind=Membership.Kind.REAPPOINTMENT,
        post=membership.post,
        post_title=membership.post_title,
        leader_category=membership.leader_category,
        previous=membership,
        letter_date=letter_date,
        term_changed_with_consent=changed,
        consent_date=consent_date if changed else None,
        consent_note=consent_note if changed else "",
        acting_user=acting_user,
    )


@findings.deferred()
def memberships_reappoint_bulk(*, memberships: list[Membership], acting_user) -> tuple[list, list[str]]:
    """Reappoint many members at once; each one on its own so one refusal does not stop the others.

    One transaction: each reappointment is a savepoint (a refused one is undone alone), and the findings of the
    councils touched are refreshed once each at the end."""
    done, refused = [], []
    for membership in memberships:
        try:
            done.append(membership_reappoint(membership=membership, acting_user=acting_user))
        except ValidationError as error:
            refused.append(f"{membership.person.full_name}: {' '.join(error.messages)}")
    return done, refused


@transaction.atomic
def membership_end(
    *, membership: Membership, ended_on: datetime.date, reason: str, note: str = "", acting_user
) -> Membership:
    """End a membership early (辞任, 公職, 死亡 …) or record that it ran out (満了)."""
    membership = _lock(Membership, membership.pk)
    if membership.ended_on:
        raise ValidationError(_("%(name)sさんの委嘱はすでに終了しています。") % {"name": membership.person.full_name})
    require_office_date(ended_on)
    if ended_on + datetime.timedelta(days=1) < membership.start_date:
        raise ValidationError(_("終了日が任期の始期より前です。"))
    if ended_on > membership.end_date:
        raise ValidationError(_("終了日が任期の終期より後です。"))
    if reason not in Membership.EndReason.values:
        raise ValidationError(_("終了の理由を選んでください。"))
    membership.ended_on = ended_on
    membership.end_reason = reason
    membership.end_note = note
    membership.save(update_fields=["ended_on", "end_reason", "end_note"])
    findings.refresh([membership.council_id])
    record(
        user=acting_user,
        action="membership.end",
        summary=f"{membership.person.full_name}さんの{membership.council.name}委員の委嘱を終了しました"
        f"（{japanese(membership.get_end_reason_display)}、{to_wareki(ended_on)}）",
        obj=membership,
        personal_data=True,
    )
    return membership


@transaction.atomic
def membership_appoint_successor(
    *,
    predecessor: Membership,
    person: Person,
    start_date: datetime.date,
    post: str | None = None,
    post_title: str = "",
    leader_category: str = "",
    acting_user,
) -> Membership:
    """C6.2(1): a successor for a vacancy serves the predecessor's remaining term."""
    predecessor = _lock(Membership, predecessor.pk)
    if not predecessor.ended_on:
        raise ValidationError(_("先に%(name)sさんの委嘱を終了してください。") % {"name": predecessor.person.full_name})
    successor = predecessor.following.filter(kind=Membership.Kind.SUCCESSOR).select_related("person").first()
    if successor is not None:
        raise ValidationError(
            _("%(name)sさんの後任には、すでに%(successor)sさんが委嘱されています。")
            % {"name": predecessor.person.full_name, "successor": successor.person.full_name}
        )
    if start_date <= predecessor.ended_on:
        raise ValidationError(_("後任の委嘱日は、前任者の終了日より後にしてください。"))
    if start_date > predecessor.end_date:
        raise ValidationError(_("前任者の任期はすでに満了しています。新たに委嘱してください。"))
    return membership_appoint(
        council=predecessor.council,
        person=person,
        start_date=start_date,
        end_date=rules.successor_term_end(predecessor.end_date),
        kind=Membership.Kind.SUCCESSOR,
        post=post if post is not None else predecessor.post,
        post_title=post_title or predecessor.post_title,
        leader_category=leader_category,
        previous=predecessor,
        acting_user=acting_user,
    )


@findings.deferred()  # one transaction; each council's findings refreshed once, at the end
def dismiss_for_public_office(*, person: Person, day: datetime.date, office: str, acting_user) -> list[Membership]:
    """C6.4(1): a member who becomes a candidate or takes public office is dismissed; the operation manager is told."""
    ended = []
    memberships = Membership.objects.filter(current_memberships(day), person=person).select_related(
        "council", "council__operation_manager"
    )
    for membership in memberships:
        ended.append(
            membership_end(
                membership=membership,
                ended_on=day,
                reason=Membership.EndReason.PUBLIC_OFFICE,
                note=office,
                acting_user=acting_user,
            )
        )
        for recipient in _told_of_dismissal(membership.council):
            Notice.objects.create(
                recipient=recipient,
                council=membership.council,
                text=f"{person.full_name}さんが公職（{office}）に就く、又は候補者となるため、"
                f"{membership.council.name}委員の職を免じました（{to_wareki(day)}）。",
            )
    return ended


@transaction.atomic
def notice_mark_read(*, notice: Notice, acting_user) -> None:
    """Mark a notice read by its recipient; the first reading counts, so opening it again changes nothing.

    Not audited: it changes no council, member or person, only the recipient's own to-do list.
    """
    Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())


def _told_of_dismissal(council: Council) -> list[Officer]:
    """Who must hear that a member was dismissed: the operation manager; without one, the station's 地域課
    (its community-section officers), and failing those the station chief — a dismissal is never told to nobody."""
    if council.operation_manager_id:
        return [council.operation_manager]
    station_officers = Officer.objects.filter(station=council.station_id, active=True).order_by("pk")
    for role in (Officer.Role.COMMUNITY_SECTION, Officer.Role.STATION_CHIEF):
        found = list(station_officers.filter(role=role))
        if found:
            return found
    return []


@findings.deferred()  # one transaction; each council's findings refreshed once, at the end
def council_review(
    *,
    kind: str,
    councils: list[Council],
    explained_on: datetime.date | None,
    effective_date: datetime.date,
    successors: list[dict],
    assignment: dict[int, int],
    note: str = "",
    acting_user,
) -> CouncilReview:
    """C4.3: split, merge or dissolve councils after explaining it to the members.

    ``successors`` are dicts of council values plus "kobans"; ``assignment`` maps a current membership id to the index
    of the successor it carries over to (its end date is kept). Memberships not assigned end on the day before.
    """
    if explained_on is None:
        raise ValidationError(_("委員に見直しの趣旨を説明した日を入力してください（要綱第4-3）。"))
    if explained_on > effective_date:
        raise ValidationError(_("委員への説明は、見直しの実施日より前に行ってください。"))
    if not councils:
        raise ValidationError(_("見直す協議会を選んでください。"))
    station = councils[0].station
    if any(c.station_id != station.pk for c in councils) or any(not c.is_active for c in councils):
        raise ValidationError(_("同じ警察署の、活動中の協議会を選んでください。"))
    if kind == CouncilReview.Kind.SPLIT and (len(councils) != 1 or len(successors) < 2):
        raise ValidationError(_("分割は、1つの協議会を2つ以上に分けるときに選びます。"))
    if kind == CouncilReview.Kind.MERGE and (len(councils) < 2 or len(successors) != 1):
        raise ValidationError(_("統合は、2つ以上の協議会を1つにまとめるときに選びます。"))
    if kind == CouncilReview.Kind.DISSOLVE and successors:
        raise ValidationError(_("廃止では、後継の協議会は作りません。"))
    review = CouncilReview.objects.create(
        station=station,
        kind=kind,
        explained_on=explained_on,
        effective_date=effective_date,
        note=note,
        created_by=acting_user,
    )
    review.predecessors.set(councils)
    new_councils = []
    for spec in successors:
        values = {k: v for k, v in spec.items() if k != "kobans"}
        values.setdefault("established_on", effective_date)
        new_councils.append(
            council_create(station=station, values=values, kobans=spec["kobans"], acting_user=acting_user)
        )
    review.successors.set(new_councils)
    day_before = effective_date - datetime.timedelta(days=1)
    for council in councils:
        for membership in council.memberships.filter(current_memberships(effective_date)).select_related("person"):
            membership_end(
                membership=membership,
                ended_on=max(day_before, membership.start_date - datetime.timedelta(days=1)),
                reason=Membership.EndReason.REORGANISED,
                note=f"{japanese(review.get_kind_display)}による",
                acting_user=acting_user,
            )
            target = assignment.get(membership.pk)
            if target is not None and 0 <= target < len(new_councils):
                membership_appoint(
                    council=new_councils[target],
                    person=membership.person,
                    start_date=effective_date,
                    end_date=membership.end_date,
                    kind=Membership.Kind.RECOMMISSION,
                    post=Membership.Post.MEMBER,
                    leader_category=membership.leader_category,
                    previous=membership,
                    acting_user=acting_user,
                )
        bump_version(Council.objects.filter(pk=council.pk), status=Council.Status.CLOSED, closed_on=day_before)
        findings.refresh([council.pk])  # a closed council keeps no findings
        coverage.refresh(council.kobans.values_list("pk", flat=True))  # its kobans may have no council now
    record(
        user=acting_user,
        action=f"council.review.{kind}",
        summary=f"{'、'.join(c.name for c in councils)}を{japanese(review.get_kind_display)}しました",
        obj=review,
    )
    return review


@transaction.atomic
def council_review_with_named_successors(
    *,
    kind: str,
    council: Council,
    others: list[Council],
    names: list[str],
    explained_on: datetime.date | None,
    effective_date: datetime.date,
    assignment: dict[int, int],
    note: str = "",
    acting_user,
) -> CouncilReview:
    """C4.3 as the review screen asks it: ``council`` and ``others`` become unit councils named ``names``.

    The successors cover all the reviewed councils' kobans (coverage by ``rules.review_successor_coverage``) and give
    the note as their reason. ``assignment`` places ``council``'s current members (membership id → index in
    ``names``); when there is one successor, every current member of ``others`` carries over to it as well.
    """
    councils = [council, *others]
    kobans = sorted({k for c in councils for k in c.kobans.all()}, key=lambda k: k.pk)
    coverage = rules.review_successor_coverage(review_kind=kind, koban_count=len(kobans))
    successors = [
        {"name": name, "kind": Council.Kind.UNIT, "coverage": coverage, "kobans": kobans, "reason": note}
        for name in names
    ]
    assignment = dict(assignment) if successors else {}
    if len(successors) == 1:
        for other in others:
            for membership in other.memberships.filter(current_memberships(effective_date)):
                assignment[membership.pk] = 0
    return council_review(
        kind=kind,
        councils=councils,
        explained_on=explained_on,
        effective_date=effective_date,
        successors=successors,
        assignment=assignment,
        note=note,
        acting_user=acting_user,
    )


@findings.deferred()  # one transaction; each council's findings refreshed once, at the end
def recommission_after_reorganisation(*, transfers, effective_date: datetime.date, acting_user) -> list[Membership]:
    """C6.2(2): councils of moved kobans pass to the new station; its chief re-commissions members for the rest of the term."""
    moved_koban_ids = {t.koban_id for t in transfers}
    to_station = transfers[0].to_station if transfers else None
    created = []
    councils = Council.objects.filter(kobans__in=moved_koban_ids, status=Council.Status.ACTIVE).distinct()
    for council in councils:
        koban_stations = set(council.kobans.values_list("station_id", flat=True))
        if koban_stations != {to_station.pk}:
            continue  # a council still covering kobans of another station stays where it is
        bump_version(Council.objects.filter(pk=council.pk), station=to_station)
        council.refresh_from_db()
        findings.refresh([council.pk])  # its findings now belong to the new station
        day_before = effective_date - datetime.timedelta(days=1)
        for membership in council.memberships.filter(current_memberships(effective_date)).select_related("person"):
            if membership.start_date >= effective_date:
                Membership.objects.filter(pk=membership.pk).update(station=to_station)
                continue
            membership_end(
                membership=membership,
                ended_on=day_before,
                reason=Membership.EndReason.REORGANISED,
                note="警察署の再編整備による再委嘱",
                acting_user=acting_user,
            )
            created.append(
                membership_appoint(
                    council=council,
                    person=membership.person,
                    start_date=effective_date,
                    end_date=membership.end_date,
                    kind=Membership.Kind.RECOMMISSION,
                    post=membership.post,
                    post_title=membership.post_title,
                    leader_category=membership.leader_category,
                    previous=membership,
                    station=to_station,
                    acting_user=acting_user,
                )
            )
    return created


def today() -> datetime.date:
    return today_tokyo()
