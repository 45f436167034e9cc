"""Keeping the stored findings equal to what the rules find.

A programme registers a *source* once (in its ``AppConfig.ready()``): how to compute the findings of some of its
objects, which objects should have findings at all, which may change with the date alone, and how to render a
message. It then calls ``refresh(source, ids)`` in every action that changes the facts of those objects, inside
the action's transaction. ``manage.py refresh_findings`` rebuilds every source in batches, and with
``--date-driven`` refreshes only what the passing days may have changed (run it daily; it is idempotent).

An action made of many steps (a review ending and appointing dozens of terms, a bulk reappointment, loading the
demo) runs them inside ``with deferred():``, a transaction in which ``refresh`` only notes the ids; they are
refreshed together, once each, when the block ends, still inside that transaction.

Every refresh also keeps ``StationTally``, how many subjects of each station hold each kind of finding, so that HQ
counts (``count_for``, ``tallied``) read a few rows per station instead of every finding of the prefecture.

``register(name, *, compute, objects, date_driven, render)``
    ``compute(ids, day) -> {id: Computed}`` computes the findings of the objects ``ids`` as of ``day`` with a fixed
    number of queries; an id left out of the result has no findings stored (e.g. a closed council).
    ``objects() -> QuerySet`` the objects that should have findings (active councils).
    ``date_driven(since, day) -> QuerySet`` those of them whose findings may differ between ``since`` and ``day``
    although no action touched them (terms ending, anniversaries, birthdays …); a superset is fine.
    ``render(code, params) -> str`` the message in the active language.
"""

from __future__ import annotations

import datetime
import threading
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import combinations

from django.db import transaction
from django.db.models import Count, Exists, Min, OuterRef, Q, QuerySet, Sum

from liaison.lib.dates import today_tokyo

from .models import Finding, StationTally, Subject

__all__ = [
    "BATCH",
    "Computed",
    "Kind",
    "Source",
    "deferred",
    "count_subjects",
    "count_for",
    "count_tallied",
    "having",
    "message",
    "refresh",
    "refresh_all",
    "refresh_all_later",
    "refresh_date_driven",
    "register",
    "registered",
    "tallied",
    "tally_from_findings",
]

BATCH = 200  # objects per transaction when rebuilding: memory stays flat, each batch costs a fixed number of queries

# Beyond this many days since the last refresh, refreshing what the dates changed is no cheaper than all of it.
DATE_DRIVEN_MAX_DAYS = 31


@dataclass(frozen=True)
class Computed:
    """The findings of one object and what scopes them: its station and kobans."""

    station_id: int
    koban_ids: frozenset[int]
    findings: list  # objects with code, severity, requirement, params, key — most serious first


@dataclass(frozen=True)
class Source:
    name: str
    compute: Callable[[list[int], datetime.date], dict[int, Computed]]
    objects: Callable[[], QuerySet]
    date_driven: Callable[[datetime.date, datetime.date], QuerySet]
    render: Callable[[str, dict], str]


_sources: dict[str, Source] = {}


def register(name: str, *, compute, objects, date_driven, render) -> Source:
    """Add (or replace, by name) a source of stored findings."""
    source = Source(name=name, compute=compute, objects=objects, date_driven=date_driven, render=render)
    _sources[name] = source
    return source


def registered() -> list[Source]:
    return [_sources[name] for name in sorted(_sources)]


def message(source: str, code: str, params: dict) -> str:
    """A stored finding's message in the active language."""
    found = _sources.get(source)
    return found.render(code, params) if found else code


_local = threading.local()


@contextmanager
def deferred():
    """A transaction in which ``refresh`` (for today) only notes the ids; all are refreshed when it ends.

    Nested blocks belong to the outermost one. When the block raises, nothing is refreshed: its transaction is
    rolled back anyway.
    """
    if getattr(_local, "pending", None) is not None:
        yield
        return
    with transaction.atomic():
        _local.pending = {}
        try:
            yield
            pending = _local.pending
        finally:
            _local.pending = None
        # The batches' changes to the tally are added once, at the end: a transaction that changed it batch by batch
        # would hold some rows while waiting for others, and two such transactions could wait for each other.
        _local.tally = Counter()
        try:
            for source, noted in sorted(pending.items()):
                ids = sorted(noted)
                for start in range(0, len(ids), BATCH):
                    refresh(source, ids[start : start + BATCH])
            tally = _local.tally
        finally:
            _local.tally = None
        _add_to_tally(tally)


def refresh(source: str, ids: Iterable[int], day: datetime.date | None = None) -> None:
    """Recompute and store the findings of the objects ``ids`` of ``source`` (in the caller's transaction)."""
    pending = getattr(_local, "pending", None)
    if pending is not None and day is None:
        pending.setdefault(source, set()).update(int(i) for i in ids)
        return
    _refresh_now(source, ids, day)


@transaction.atomic
def _refresh_now(source: str, ids: Iterable[int], day: datetime.date | None = None) -> None:
    src = _sources[source]
    ids = sorted({int(i) for i in ids})
    if not ids:
        return
    day = day or today_tokyo()
    # Each subject row is created if missing, then locked before the facts are read: two transactions refreshing
    # the same object run one after the other, and the second reads what the first committed (PostgreSQL; SQLite's
    # IMMEDIATE transactions already serialise writers). Sorted ids keep the lock order the same everywhere.
    Subject.objects.bulk_create(
        [Subject(source=source, object_id=i, computed_on=day, station_id=None) for i in ids], ignore_conflicts=True
    )
    subjects = {
        s.object_id: s
        for s in Subject.objects.select_for_update().filter(source=source, object_id__in=ids).order_by("object_id")
    }
    computed = src.compute(ids, day)
    was_tallied = _tally_of([s.pk for s in subjects.values()])
    gone = [s.pk for i, s in subjects.items() if i not in computed]
    if gone:
        Subject.objects.filter(pk__in=gone).delete()
    kept = {i: s for i, s in subjects.items() if i in computed}
    now_tallied = Counter(
        (computed[i].station_id, source, *kind)
        for i in kept
        for kind in tally_kinds((f.code, str(f.severity)) for f in computed[i].findings)
    )
    now_tallied.subtract(was_tallied)
    if getattr(_local, "tally", None) is not None:  # inside ``deferred``: added once when it ends
        _local.tally.update(now_tallied)
    else:
        _add_to_tally(now_tallied)
    if not kept:
        return
    _write_scope(kept, computed, day)
    Finding.objects.filter(subject__in=[s.pk for s in kept.values()]).delete()
    Finding.objects.bulk_create(
        Finding(
            subject_id=kept[i].pk,
            code=f.code,
            key=f.key,
            position=position,
            severity=str(f.severity),
            requirement=f.requirement,
            params=f.params,
        )
        for i, c in computed.items()
        if i in kept
        for position, f in enumerate(c.findings)
    )


def _write_scope(subjects: dict[int, Subject], computed: dict[int, Computed], day: datetime.date) -> None:
    Subject.objects.filter(pk__in=[s.pk for s in subjects.values()]).update(computed_on=day)
    moved: dict[int, list[int]] = {}
    for i, s in subjects.items():
        if s.station_id != computed[i].station_id:
            moved.setdefault(computed[i].station_id, []).append(s.pk)
    for station_id, pks in moved.items():  # a new subject, or a council that passed to another station: rare
        Subject.objects.filter(pk__in=pks).update(station_id=station_id)
    links = Subject.kobans.through
    current: dict[int, set[int]] = {s.pk: set() for s in subjects.values()}
    for subject_id, koban_id in links.objects.filter(subject__in=list(current)).values_list("subject_id", "koban_id"):
        current[subject_id].add(koban_id)
    changed = {s.pk: computed[i].koban_ids for i, s in subjects.items() if current[s.pk] != set(computed[i].koban_ids)}
    if changed:
        links.objects.filter(subject__in=list(changed)).delete()
        links.objects.bulk_create(
            links(subject_id=pk, koban_id=koban_id) for pk, kobans in changed.items() for koban_id in sorted(kobans)
        )


# --- The tally of subjects per station (``StationTally``) ------------------------------------------------------------

TallyKey = tuple[int, str, str, str, str]  # station, source, code, severity, codes


def tally_kinds(findings: Iterable[tuple[str, str]]) -> set[tuple[str, str, str]]:
    """The kinds ``(code, severity, codes)`` of ``StationTally`` row one subject counts in, from its findings'
    ``(code, severity)``: one per code it holds, and one per severity with the set of that severity's codes."""
    by_severity: dict[str, set[str]] = {}
    for code, severity in findings:
        by_severity.setdefault(severity, set()).add(code)
    codes = {code for found in by_severity.values() for code in found}
    return {(code, "", "") for code in codes} | {
        ("", severity, ",".join(sorted(found))) for severity, found in by_severity.items()
    }


def _tally_of(subject_pks: list[int]) -> Counter:
    """What the stored findings of these subjects count in the tally, by key."""
    found: dict[tuple[int, int, str], list[tuple[str, str]]] = {}
    rows = Finding.objects.filter(subject__in=subject_pks).values_list(
        "subject_id", "subject__station_id", "subject__source", "code", "severity"
    )
    for subject, station, source, code, severity in rows.order_by():
        found.setdefault((subject, station, source), []).append((code, severity))
    return Counter(
        (station, source, *kind)
        for (_subject, station, source), codes in found.items()
        if station is not None
        for kind in tally_kinds(codes)
    )


def _add_to_tally(delta: Counter) -> None:
    """Add ``delta`` to the tally inside the caller's transaction, in three queries whatever its size. Missing rows are
    made first (a row another transaction is making at the same moment waits for it and is then left as it is); the
    rows are then locked and read, so two transactions adding to one station's row add one after the other."""
    delta = {key: n for key, n in delta.items() if n}
    if not delta:
        return
    fields = ("station_id", "source", "code", "severity", "codes")
    StationTally.objects.bulk_create(
        [StationTally(subjects=0, **dict(zip(fields, key, strict=True))) for key in sorted(delta)],
        ignore_conflicts=True,
    )
    wanted = Q()
    for station, source in sorted({(key[0], key[1]) for key in delta}):
        wanted |= Q(station_id=station, source=source)
    rows = [
        row
        for row in StationTally.objects.select_for_update().filter(wanted).order_by("pk")
        if (row.station_id, row.source, row.code, row.severity, row.codes) in delta
    ]
    for row in rows:
        row.subjects += delta[(row.station_id, row.source, row.code, row.severity, row.codes)]
    StationTally.objects.bulk_update(rows, ["subjects"])


def _delete_subjects(subjects: QuerySet) -> None:
    """Delete these subjects with their findings, and take them out of the tally."""
    pks = list(subjects.values_list("pk", flat=True))
    for start in range(0, len(pks), BATCH):
        batch = pks[start : start + BATCH]
        with transaction.atomic():  # the rows and their counts go together (refresh_all runs outside a transaction)
            removed = _tally_of(batch)
            Subject.objects.filter(pk__in=batch).delete()
            _add_to_tally(Counter({key: -n for key, n in removed.items()}))


def tally_from_findings() -> dict[TallyKey, int]:
    """The tally counted again from the stored findings (for tests and checks): what ``StationTally`` must hold, rows
    of zero left out."""
    return dict(_tally_of(list(Subject.objects.values_list("pk", flat=True))))


def tallied(source: str, *, severity: str | None = None, code: str | None = None, hidden: Iterable[str] = ()) -> Q:
    """A filter on ``StationTally``: the rows counting the subjects of ``source`` with a finding of this code, or of
    this severity with a code not in ``hidden`` (the codes the reader may not see)."""
    hidden = sorted(set(hidden))
    if code is not None:
        return Q(pk__in=[]) if code in hidden else Q(source=source, code=code, severity="", codes="")
    only_hidden = [",".join(codes) for size in range(1, len(hidden) + 1) for codes in combinations(hidden, size)]
    return Q(source=source, code="", severity=severity) & ~Q(codes__in=only_hidden)


@dataclass(frozen=True)
class Kind:
    """Subjects of ``source`` holding a finding of ``code``, or of ``severity`` with a code not in ``hidden``: what a
    home page counts, said once and counted from the tally (HQ) or the user's own subjects (``count_for``)."""

    source: str
    severity: str | None = None
    code: str | None = None
    hidden: tuple[str, ...] = ()

    def of_findings(self) -> Q:
        found = Q(subject__source=self.source)
        if self.severity:
            found &= Q(severity=self.severity)
        if self.code:
            found &= Q(code=self.code)
        return found & ~Q(code__in=list(self.hidden)) if self.hidden else found

    def of_tally(self) -> Q:
        return tallied(self.source, severity=self.severity, code=self.code, hidden=self.hidden)


def count_for(user, **kinds: Kind) -> dict[str, int]:
    """How many subjects of the user's work hold each kind of finding, in one query that costs what the user's scope
    holds per station: HQ sums the tally of every station (never every finding of the prefecture); a station or
    koban user probes its own subjects (``count_subjects(within=…)``)."""
    from liaison.access.policy import for_work, sees_all_stations, visible_to

    if sees_all_stations(user):
        return count_tallied(visible_to(user, StationTally), **{n: k.of_tally() for n, k in kinds.items()})
    sources = sorted({kind.source for kind in kinds.values()})
    return count_subjects(
        for_work(user, Finding),
        within=for_work(user, Subject).filter(source__in=sources),
        **{n: k.of_findings() for n, k in kinds.items()},
    )


def count_tallied(tallies: QuerySet, **conditions: Q) -> dict[str, int]:
    """How many subjects each condition (``tallied(…)``) counts over the tally rows ``tallies`` (already scoped, e.g.
    ``visible_to(user, StationTally)``), in one query: a sum over a few rows per station, not over the findings."""
    if not conditions:
        return {}
    either = Q()
    for condition in conditions.values():
        either |= condition
    sums = tallies.filter(either).aggregate(
        **{name: Sum("subjects", filter=condition) for name, condition in conditions.items()}
    )
    return {name: value or 0 for name, value in sums.items()}


def _ids_in_batches(objects: QuerySet, batch: int):
    """The primary keys of ``objects`` in ascending batches, read one batch at a time (keyset paging)."""
    last = None
    while True:
        qs = objects.order_by("pk")
        if last is not None:
            qs = qs.filter(pk__gt=last)
        ids = list(qs.values_list("pk", flat=True)[:batch])
        if not ids:
            return
        yield ids
        last = ids[-1]


def refresh_all(source: str | None = None, day: datetime.date | None = None, batch: int = BATCH) -> int:
    """Rebuild the stored findings of every object of ``source`` (all sources by default); returns how many."""
    day = day or today_tokyo()
    count = 0
    for src in [_sources[source]] if source else registered():
        objects = src.objects()
        _delete_subjects(Subject.objects.filter(source=src.name).exclude(object_id__in=objects.values("pk")))
        for ids in _ids_in_batches(objects, batch):
            refresh(src.name, ids, day)
            count += len(ids)
    return count


def having(source: str, *, severity: str | None = None, code: str | None = None, hidden: Iterable[str] = ()) -> Q:
    """A filter for a source's model: the object has a stored finding of this severity or code (``hidden`` codes,
    which the reader may not see, do not count).

    Written as ``pk IN (the objects with such a finding)`` and not as a correlated ``EXISTS``: the database starts
    from the findings, which are few for what needs action, instead of probing the store once per object — a
    correlated probe per case or council of the prefecture is what made an HQ home page grow with the data.
    """
    found = Finding.objects.filter(Kind(source, severity=severity, code=code, hidden=tuple(hidden)).of_findings())
    return Q(pk__in=found.values("subject__object_id"))


def count_subjects(findings: QuerySet, *, within: QuerySet | None = None, **conditions: Q) -> dict[str, int]:
    """How many subjects have a finding matching each condition, in one query over ``findings`` (already scoped).

    A panel's several counts (needing action, kobans without a council …) are one grouped read of the findings that
    match, not one query each: ``count_subjects(for_work(user, Finding), needing=Q(…), uncovered=Q(…))``.

    ``within``: the subjects of one station or koban (``for_work(user, Subject)``, a few hundred). Each of them is
    then probed for its matching findings, so the count costs what the station holds. Without it the matching findings
    are read first; for one station SQLite, which has no statistics, planned that too, reading every error finding of
    the prefecture through the severity and code indexes to keep the station's (7 ms at ten times the largest
    prefecture against 0.2 ms). A home page counts through ``count_for``, which gives HQ the tally per station.
    """
    if not conditions:
        return {}
    if within is not None:
        return within.aggregate(
            **{
                name: Count("pk", filter=Exists(findings.filter(condition, subject=OuterRef("pk"))))
                for name, condition in conditions.items()
            }
        )
    either = Q()
    for condition in conditions.values():
        either |= condition
    return findings.filter(either).aggregate(
        **{name: Count("subject", distinct=True, filter=condition) for name, condition in conditions.items()}
    )


def refresh_all_later(source: str) -> None:
    """Rebuild every stored finding of ``source`` in the background worker, once this transaction commits (nothing is
    queued if it rolls back). Until the worker has run, pages show the findings as they were."""
    from .tasks import rebuild_source

    transaction.on_commit(lambda: rebuild_source.enqueue(source))


def refresh_date_driven(day: datetime.date | None = None, batch: int = BATCH) -> int:
    """Refresh what the days since the last refresh may have changed; idempotent (a second run the same day does
    nothing). Objects without stored findings yet are refreshed too. Returns how many objects were refreshed."""
    day = day or today_tokyo()
    count = 0
    for src in registered():
        since = Subject.objects.filter(source=src.name).aggregate(since=Min("computed_on"))["since"]
        if since is None or (day - since).days > DATE_DRIVEN_MAX_DAYS:
            count += refresh_all(src.name, day, batch)
            continue
        objects = src.objects()
        missing = objects.exclude(pk__in=Subject.objects.filter(source=src.name).values("object_id"))
        _delete_subjects(Subject.objects.filter(source=src.name).exclude(object_id__in=objects.values("pk")))
        candidates = missing if since >= day else missing | src.date_driven(since, day)
        # The selection is read once (ids only): re-running it for every batch would cost more than the batches.
        ids = list(candidates.order_by("pk").values_list("pk", flat=True).distinct())
        for start in range(0, len(ids), batch):
            refresh(src.name, ids[start : start + batch], day)
        count += len(ids)
        # Every other subject's findings hold on ``day`` as they are: the rules gave the same on ``since``.
        Subject.objects.filter(source=src.name, computed_on__lt=day).update(computed_on=day)
    return count
