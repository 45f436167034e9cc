"""Writes of imports: receive a file, check it (the dry run), change its column mapping or duplicate choices, commit
it, discard it, and export a station's records in the import layout.

Every row goes through the same forms as manual entry (``kinds``) and then through the same actions; the dry run
runs those actions inside a transaction that is rolled back, so what only an action can find (a public-office
record, a second chair, an overlapping term, two rows of one file that clash) is shown on the preview, by row and
column, before anything is written.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from liaison.access.policy import visible_to
from liaison.audit.log import japanese, record, record_export
from liaison.findings.store import deferred
from liaison.lib import once
from liaison.lib.csvio import encode_csv
from liaison.lib.tabular import TableError, match_headers, read_table
from liaison.lib.xlsxio import ExcelWriter
from liaison.org.models import Station
from liaison.people.models import Person
from liaison.people.queries import likely_duplicates

from . import kinds
from .models import ImportRun

# Files with more data rows than this are checked and committed by the background worker, with a progress page.
BACKGROUND_ROWS = 300
# How often the checking pass writes its progress (each write is its own short transaction, seen by the page).
PROGRESS_EVERY = 25
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
NEW = "new"


class RowsRefused(Exception):  # noqa: N818 - reads as the event it reports
    """The commit found errors in some rows; nothing was written. ``rows`` are the rows with their errors."""

    def __init__(self, rows: list[dict], error_count: int):
        super().__init__(error_count)
        self.rows, self.error_count = rows, error_count


def _read(data: bytes, file_name: str):
    return read_table(data, file_name, max_bytes=MAX_BYTES, max_rows=MAX_ROWS)


@transaction.atomic
def import_run_create(*, station: Station, kind: str, file_name: str, data: bytes, acting_user) -> ImportRun:
    """Receive a file for ``station``: read it (ValidationError with the reader's Japanese message when it cannot be
    read; then nothing is kept) and keep it with the headers it recognised, to be checked."""
    import_kind = kinds.get(kind)
    try:
        table = _read(data, file_name)
    except TableError as error:
        raise ValidationError(str(error)) from None
    mapping = {str(i): key for i, key in match_headers(table.headers, import_kind.all_columns()).items()}
    return ImportRun.objects.create(
        station=station,
        kind=kind,
        file_name=file_name[:255],
        data=data,
        encoding=table.encoding,
        headers=table.headers,
        mapping=mapping,
        total_rows=len(table.rows),
        created_by=acting_user,
    )


def _cells(table_row: list[str], mapping: dict[str, str]) -> dict[str, str]:
    cells = {}
    for index, key in mapping.items():
        i = int(index)
        cells[key] = table_row[i] if i < len(table_row) else ""
    return cells


def _prepare(run: ImportRun, user, progress: Callable[[int], None] | None = None):
    """The file's rows checked with the forms for ``user`` (no writes); duplicates looked up; the choices applied."""
    import_kind = kinds.get(run.kind)
    table = _read(bytes(run.data), run.file_name)
    ctx = kinds.Context(station=run.station, user=user)
    people = visible_to(user, Person)
    rows = []
    new_people: list[tuple[kinds.Row, dict]] = []  # the rows that record a new person, with what is known of them
    for n, (number, cells) in enumerate(zip(table.row_numbers, table.rows, strict=True), start=1):
        row = kinds.Row(number=number, cells=_cells(cells, run.mapping))
        rows.append(row)
        import_kind.prepare(row, ctx)
        earlier = _earlier_row_of(row, new_people) if row.person and not row.errors else None
        if earlier is not None:
            # The same new person on a second row (one resident on two councils): the earlier row's person is
            # used, whether it is created or linked there, so the row needs no duplicate choice of its own.
            row.same_as = earlier.number
        elif row.person and not row.errors:
            new_people.append((row, dict(row.person)))
            found = likely_duplicates(
                family_kana=row.person["family_kana"],
                given_kana=row.person["given_kana"],
                birth_date=row.person["birth_date"],
                phone=row.person.get("phone") or "",
                queryset=people,
            )
            row.duplicates = [(p.pk, _person_label(p)) for p in found]
            choice = run.choices.get(str(number))
            if row.duplicates and choice is None:
                row.error(
                    "",
                    _(
                        "似ている記録があります。同じ人なら「この人に結び付ける」、別人なら「新しく登録する」を選んでください。"
                    ),
                )
            elif choice not in (None, NEW):
                row.link = next((p for p in found if p.pk == choice), None)
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n)
    return import_kind, ctx, rows


def _earlier_row_of(row: kinds.Row, new_people: list[tuple[kinds.Row, dict]]) -> kinds.Row | None:
    """The first earlier row whose new person is this row's person. A birth date missing on that row but given on
    this one becomes known for the rows after, so that a third row with another birth date is another person (the
    person is still recorded from the first row's cells)."""
    for earlier, known in new_people:
        if kinds.same_person(known, row.person):
            if known.get("birth_date") is None:
                known["birth_date"] = row.person.get("birth_date")
            return earlier
    return None


def _person_label(person: Person) -> str:
    born = f"、{person.birth_date:%Y-%m-%d}生" if person.birth_date else ""
    return f"{person.full_name}（{person.family_kana} {person.given_kana}{born}、{person.station.name}）"


def _apply(import_kind, ctx, rows) -> tuple[dict, list[int]]:
    """Run each row's action, each in a savepoint so that one refusal does not hide the next row's."""
    counts: dict[str, int] = {}
    created: list[int] = []
    by_number = {row.number: row for row in rows}
    with deferred():  # each council's findings refreshed once, at the end, not once per member
        for row in rows:
            if row.errors:
                continue
            if row.same_as is not None:
                # The earlier row's person (None when that row was refused: this row then stands alone).
                row.link = by_number[row.same_as].recorded
            try:
                with transaction.atomic():
                    pk = import_kind.apply(row, ctx, counts)
            except ValidationError as error:
                kinds.add_validation_error(row, error)
            else:
                if pk is not None:
                    created.append(pk)
    return counts, created


def _row_report(run: ImportRun, import_kind, rows) -> tuple[list[dict], int]:
    """The rows as the preview shows them: row number, name, errors as (header, message), duplicates."""
    headers = {key: run.headers[int(i)] for i, key in run.mapping.items() if int(i) < len(run.headers)}
    column_headers = {c.key: c.header for c in import_kind.all_columns()}
    report, errors = [], 0
    for row in rows:
        errors += len(row.errors)
        report.append(
            {
                "row": row.number,
                "label": row.label,
                "errors": [[headers.get(key) or column_headers.get(key, ""), message] for key, message in row.errors],
                "duplicates": row.duplicates,
                "choice": run.choices.get(str(row.number)),
                "note": str(import_kind.repeat_note % {"n": row.same_as}) if row.same_as is not None else "",
            }
        )
    return report, errors


def import_run_check(*, run: ImportRun, acting_user, background: bool = False) -> ImportRun:
    """The dry run: every row through the forms, then through the actions in a transaction that is rolled back.

    The rows are checked as ``acting_user``, the officer who asked for the check (the uploader, or whoever changed
    the mapping or the choices since): which councils, kobans and people a row may name depends on who acts.

    Progress is written during the first pass only, each time in its own short transaction: what is written inside
    the second pass's transaction is invisible to other connections until it ends (and on SQLite the write lock
    holds them back), so the page shows 「書き込みの確認中」 for it instead of a count.
    """

    def progress(n: int) -> None:
        if background:
            ImportRun.objects.filter(pk=run.pk).update(checked_rows=n)

    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.CHECKING, checked_rows=0)
    try:
        import_kind, ctx, rows = _prepare(run, acting_user, progress)
    except TableError as error:  # the reader refused it on upload; kept here for a reader that changed meanwhile
        ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.FAILED, failure=str(error))
        run.refresh_from_db()
        return run
    ImportRun.objects.filter(pk=run.pk).update(checked_rows=len(rows))
    with transaction.atomic():
        _apply(import_kind, ctx, rows)
        transaction.set_rollback(True)
    report, errors = _row_report(run, import_kind, rows)
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportRun.Status.CHECKED, rows=report, error_count=errors, checked_at=timezone.now()
    )
    run.refresh_from_db()
    return run


def import_run_start_check(*, run: ImportRun) -> ImportRun:
    """Check a received file: at once when it is small, else queued for the background worker (see tasks)."""
    if run.total_rows <= BACKGROUND_ROWS:
        return import_run_check(run=run, acting_user=run.created_by)
    from .tasks import check_import  # the tasks call these actions

    result = check_import.enqueue(run.pk)
    ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
    run.refresh_from_db()
    return run


def import_run_queue_commit(*, run: ImportRun, acting_user, form_token: str | None) -> ImportRun:
    """Hand the commit of a large checked file to the background worker, once (the run becomes 「書き込み中」)."""
    from .tasks import commit_import

    if ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.CHECKED, error_count=0).update(
        status=ImportRun.Status.COMMITTING
    ):
        result = commit_import.enqueue(run.pk, acting_user.pk, form_token)
        ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
    run.refresh_from_db()
    return run


def _changeable(run: ImportRun) -> None:
    if run.status not in (ImportRun.Status.CHECKED, ImportRun.Status.FAILED):
        raise ValidationError(_("この取り込みは変更できません（%(status)s）。") % {"status": run.get_status_display()})


def import_run_remap(*, run: ImportRun, mapping: dict[int, str], acting_user) -> ImportRun:
    """Change which file column means which field (unknown keys and a field given twice are refused), then check
    again."""
    _changeable(run)
    known = {c.key for c in kinds.get(run.kind).all_columns()}
    chosen = {int(i): key for i, key in mapping.items() if key}
    if any(key not in known or not 0 <= i < len(run.headers) for i, key in chosen.items()):
        raise ValidationError(_("見出しの対応に選べない項目があります。"))
    if len(set(chosen.values())) != len(chosen):
        raise ValidationError(_("同じ項目に二つの列を対応させることはできません。"))
    ImportRun.objects.filter(pk=run.pk).update(mapping={str(i): key for i, key in chosen.items()})
    run.refresh_from_db()
    return import_run_check(run=run, acting_user=acting_user)


def import_run_choose(*, run: ImportRun, choices: dict[int, str | int], acting_user) -> ImportRun:
    """Record, per row, "link to this recorded person" (its id, one of the row's likely duplicates) or "create a new
    person" (``"new"``), then check again."""
    _changeable(run)
    offered = {r["row"]: {pk for pk, _label in r["duplicates"]} for r in run.rows}
    kept = dict(run.choices)
    for number, choice in choices.items():
        if number not in offered:
            continue
        if choice == NEW or choice in offered[number]:
            kept[str(number)] = choice
    ImportRun.objects.filter(pk=run.pk).update(choices=kept)
    run.refresh_from_db()
    return import_run_check(run=run, acting_user=acting_user)


def import_run_commit(*, run: ImportRun, acting_user, form_token: str | None = None) -> ImportRun:
    """Record every row through the actions in one transaction, or nothing (RowsRefused, with the rows' errors
    stored on the run). Once per form token and once per run; one audit entry besides the actions' own."""
    try:
        with transaction.atomic():
            claim = once.claim(form_token, acting_user)
            locked = ImportRun.objects.select_for_update().get(pk=run.pk)
            if locked.status == ImportRun.Status.DONE:
                raise once.AlreadySaved(locked.pk)
            if locked.status not in (ImportRun.Status.CHECKED, ImportRun.Status.COMMITTING) or locked.error_count:
                raise ValidationError(_("確認で見つかった誤りを直してから取り込んでください。"))
            import_kind, ctx, rows = _prepare(locked, acting_user)
            counts, created = _apply(import_kind, ctx, rows)
            report, errors = _row_report(locked, import_kind, rows)
            if errors:
                raise RowsRefused(report, errors)
            ImportRun.objects.filter(pk=locked.pk).update(
                status=ImportRun.Status.DONE,
                counts=counts,
                result_ids=created if locked.kind == kinds.MembersKind.code else [],
                rows=report,
                data=None,  # the file is not kept once its rows are recorded
                committed_at=timezone.now(),
            )
            record(
                user=acting_user,
                action="imports.commit",
                summary=f"{locked.file_name}から{japanese(locked.get_kind_display)}を取り込みました"
                f"（{len(rows)}行: " + "、".join(f"{japanese(COUNT_LABELS[k])}{v}件" for k, v in counts.items()) + "）",
                obj=locked,
                personal_data=True,
                detail={"file_name": locked.file_name, "kind": locked.kind, "rows": len(rows), "counts": counts},
            )
            claim.done(locked)
    except RowsRefused as refused:
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.CHECKED, rows=refused.rows, error_count=refused.error_count
        )
        run.refresh_from_db()
        raise
    run.refresh_from_db()
    return run


COUNT_LABELS = {
    "created": gettext_lazy("新規登録"),
    "linked": gettext_lazy("既存の記録に結び付け"),
    "appointed": gettext_lazy("委嘱"),
    "registered": gettext_lazy("連絡員登録"),
    "repeated": gettext_lazy("同じ人の2行目以降"),
}


@transaction.atomic
def import_run_discard(*, run: ImportRun, acting_user) -> ImportRun:
    """Give up an import that was not committed: its file is deleted."""
    if run.status == ImportRun.Status.DONE:
        raise ValidationError(_("取り込み済みのため取りやめできません。"))
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.DISCARDED, data=None)
    run.refresh_from_db()
    return run


def _workbook(title: str, columns, rows: list[list[str]]) -> bytes:
    """The records on the first sheet under the template's headers, every cell text (as the template's are).

    ``tabular.template_xlsx`` keeps its example rows on its second sheet so that a template sent back unchanged
    imports nothing; an export is meant to be imported, so its rows go on the first sheet."""
    writer = ExcelWriter()
    sheet = writer.sheet(title, landscape=len(columns) > 8)
    sheet.append([c.header for c in columns], bold=True)
    sheet.repeat_rows(1)
    sheet.text_columns(len(columns))
    for row in rows:
        sheet.append(row)
    return writer.to_bytes()


def export_file(*, kind: str, station: Station, fmt: str, acting_user) -> tuple[bytes, str]:
    """The station's current records of ``kind`` in the import layout (xlsx or CSV), audited as a personal-data
    export. Importing the file into an empty station gives the same people and memberships."""
    import_kind = kinds.get(kind)
    columns = import_kind.template_columns()
    rows = import_kind.export_rows(station, acting_user)
    name = f"{import_kind.title}_{station.name}"
    if fmt == "csv":
        content = encode_csv([[c.header for c in columns], *rows], encoding="utf-8-sig")
        name += ".csv"
    else:
        content = _workbook(import_kind.title, columns, rows)
        name += ".xlsx"
    record_export(
        user=acting_user,
        action="imports.export",
        summary=f"{station.name}の{japanese(import_kind.label)}を取り込み様式で書き出しました（{len(rows)}件）",
        station=station,
        detail={"kind": kind, "format": fmt, "rows": len(rows)},
    )
    return content, name
