"""Screens of the import: choose kind and file, preview (mapping, row errors, duplicates), commit, progress, list."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from liaison.access.permissions import Perm
from liaison.access.policy import (
    can_change,
    get_visible_or_404,
    has_perm,
    officer_of,
    require_any,
    sees_all_stations,
    visible_to,
)
from liaison.lib import once
from liaison.lib.downloads import download_response
from liaison.lib.tabular import template_csv, template_xlsx
from liaison.org.models import Station

from . import actions, kinds
from .forms import CommitForm, DuplicateChoiceForm, MappingForm, UploadForm
from .models import ImportRun

IMPORTERS = (Perm.APPOINT_MEMBERS, Perm.MANAGE_CONTACTS, Perm.MANAGE_PEOPLE)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _kinds_for(user) -> list[kinds.ImportKind]:
    return [k for k in kinds.KINDS.values() if k.may_import(user)]


def _kind_for(user, code: str) -> kinds.ImportKind:
    try:
        kind = kinds.get(code)
    except LookupError:
        raise Http404 from None
    if not kind.may_import(user):
        raise PermissionDenied
    return kind


def _run(request, pk) -> ImportRun:
    """A run of a station the user may see (404 otherwise) that the user may work on (403 otherwise)."""
    run = get_visible_or_404(request.user, ImportRun.objects.select_related("station", "created_by"), pk=pk)
    kind = kinds.get(run.kind)
    if not kind.may_import(request.user) or not can_change(request.user, run, kind.permissions[0]):
        raise PermissionDenied
    return run


@require_any(*IMPORTERS)
def start(request):
    """Upload a file: it is read and checked at once (a large one by the background worker)."""
    allowed = _kinds_for(request.user)
    if not allowed:
        raise PermissionDenied
    stations = (
        Station.objects.filter(active=True).order_by("order", "code") if sees_all_stations(request.user) else None
    )
    form = UploadForm(request.POST or None, request.FILES or None, kinds_allowed=allowed, stations=stations)
    if request.method == "POST" and form.is_valid():
        station = form.cleaned_data["station"] if stations is not None else officer_of(request.user).station
        upload = form.cleaned_data["file"]
        if station is None:
            raise PermissionDenied
        # One byte past the limit is enough for the reader to refuse the file as too large.
        data = upload.read(actions.MAX_BYTES + 1)
        try:
            run = actions.import_run_create(
                station=station,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                data=data,
                acting_user=request.user,
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            run = actions.import_run_start_check(run=run)
            return redirect("imports:detail" if run.is_busy else "imports:preview", pk=run.pk)
    return render(request, "imports/start.html", {"form": form, "kinds": allowed})


@require_any(*IMPORTERS)
def template(request, kind, fmt):
    """The empty template of a kind, with its Japanese headers (xlsx with a sheet of notes; CSV in UTF-8 or CP932)."""
    import_kind = _kind_for(request.user, kind)
    columns = import_kind.template_columns()
    if fmt == "xlsx":
        return download_response(template_xlsx(import_kind.title, columns, []), f"{import_kind.title}_様式.xlsx", XLSX)
    if fmt in ("csv", "csv-cp932"):
        encoding = "cp932" if fmt == "csv-cp932" else "utf-8-sig"
        return download_response(template_csv(columns, encoding), f"{import_kind.title}_様式.csv", "text/csv")
    raise Http404


@require_any(*IMPORTERS)
def export(request, kind, fmt):
    """「この様式で書き出す」: the station's current records of the kind in the import layout (audited export)."""
    import_kind = _kind_for(request.user, kind)
    if fmt not in ("xlsx", "csv"):
        raise Http404
    officer = officer_of(request.user)
    station = officer.station if officer is not None else None
    if station is None:
        raise PermissionDenied  # HQ exports a station's rosters from that station's pages
    content, name = actions.export_file(kind=import_kind.code, station=station, fmt=fmt, acting_user=request.user)
    return download_response(content, name, XLSX if fmt == "xlsx" else "text/csv")


@require_any(*IMPORTERS)
def import_list(request):
    """The imports of the user's station (every station for HQ), newest first."""
    runs = visible_to(request.user, ImportRun).select_related("station", "created_by__officer")
    page = Paginator(runs, 50).get_page(request.GET.get("page"))
    return render(request, "imports/list.html", {"page": page, "kinds": _kinds_for(request.user)})


@require_any(*IMPORTERS)
def preview(request, pk):
    """The dry run's result: the mapping (changeable), the rows with their errors, the duplicate choices."""
    run = _run(request, pk)
    if run.is_busy:
        return redirect("imports:detail", pk=run.pk)
    mapping_form = MappingForm(request.POST if "remap" in request.POST else None, run=run, prefix="map")
    choice_form = DuplicateChoiceForm(request.POST if "choose" in request.POST else None, run=run, prefix="dup")
    if request.method == "POST":
        try:
            if "discard" in request.POST:
                actions.import_run_discard(run=run, acting_user=request.user)
                messages.info(request, _("取り込みを取りやめました。ファイルは削除しました。"))
                return redirect("imports:list")
            if "remap" in request.POST and mapping_form.is_valid():
                actions.import_run_remap(run=run, mapping=mapping_form.mapping(), acting_user=request.user)
                return redirect("imports:preview", pk=run.pk)
            if "choose" in request.POST and choice_form.is_valid():
                actions.import_run_choose(run=run, choices=choice_form.choices(), acting_user=request.user)
                return redirect("imports:preview", pk=run.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("imports:preview", pk=run.pk)
    return render(
        request,
        "imports/preview.html",
        {
            "run": run,
            "kind": kinds.get(run.kind),
            "mapping_form": mapping_form,
            "choice_form": choice_form,
            "commit_form": CommitForm() if run.may_commit else None,
            "error_rows": [r for r in run.rows if r["errors"]],
        },
    )


@require_any(*IMPORTERS)
@require_POST
def commit(request, pk):
    """Write every row, or none; a large file is written by the background worker."""
    run = _run(request, pk)
    form = CommitForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    if run.status == ImportRun.Status.DONE or form.is_saved_already():
        messages.info(request, _("この取り込みはすでに完了しています。"))
        return redirect("imports:detail", pk=run.pk)
    if not run.may_commit:
        messages.error(request, _("確認で見つかった誤りを直してから取り込んでください。"))
        return redirect("imports:preview", pk=run.pk)
    if run.total_rows > actions.BACKGROUND_ROWS:
        actions.import_run_queue_commit(run=run, acting_user=request.user, form_token=form.token)
        return redirect("imports:detail", pk=run.pk)
    try:
        actions.import_run_commit(run=run, acting_user=request.user, form_token=form.token)
    except once.AlreadySaved:
        messages.info(request, _("この取り込みはすでに完了しています。"))
        return redirect("imports:detail", pk=run.pk)
    except actions.RowsRefused:
        messages.error(request, _("誤りのある行があったため、何も書き込みませんでした。"))
        return redirect("imports:preview", pk=run.pk)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("imports:preview", pk=run.pk)
    messages.success(request, _("取り込みました。"))
    return redirect("imports:detail", pk=run.pk)


@require_any(*IMPORTERS)
def detail(request, pk):
    """One import: progress while the worker checks or writes it (the page refreshes itself), then the result."""
    run = _run(request, pk)
    return render(
        request,
        "imports/detail.html",
        {
            "run": run,
            "kind": kinds.get(run.kind),
            "counts": [(actions.COUNT_LABELS.get(k, k), v) for k, v in run.counts.items()],
            "may_print": has_perm(request.user, Perm.PRINT_FORMS),
        },
    )
