"""Document kinds: what a batch print, and a background print job, can render.

A kind says how to load the objects a job names by id, who may print them, how to lay out a chunk of them, what
the file is called and how the print is audited. Every kind prints through the same code: ``views.print_batch``
(up to ``sync_limit`` at once, more as a ``PrintJob``), ``tasks.render_print_job``, the job page and its download.
Form 1 (委嘱状) is the first kind; the next ones (Form 3, the contact list, handouts) register the same way, here or
in a module of this app imported by ``ReportsConfig.ready()``::

    register(DocumentKind(code="form3", noun="…", queryset=…, render=…, audit_action="form3.print"))

``register(kind)`` replaces a kind of the same code (so a re-run ``ready()`` does not duplicate it);
``unregister(code)`` removes one (tests); ``get(code)`` raises ``LookupError`` for a code nobody registered.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from liaison.access.permissions import Perm
from liaison.access.policy import can_change, visible_to

from .documents import letter_queryset, letters_document, pdf_in_chunks

__all__ = ["FORM1", "DocumentKind", "get", "register", "registered", "unregister"]


def _count(objects: Sequence) -> str:
    return f"{len(objects)}件"


@dataclass(frozen=True)
class DocumentKind:
    """One kind of printed document over one model's objects."""

    code: str  # stored on PrintJob.kind and used in URLs; short ASCII
    noun: str  # what is printed, in Japanese: the job page's title, file names and audit summaries
    queryset: Callable[[], QuerySet]  # the objects, with what rendering and the access check need joined in
    render: Callable[[Sequence[Any], Any], Any]  # (chunk, font_config) → a laid-out WeasyPrint document
    audit_action: str  # the export audit entry's action
    ids_key: str = "object_ids"  # the ids' name in the audit entry's detail
    permission: Perm = Perm.PRINT_FORMS  # the user must be allowed this on every object (``can_change``)
    describe: Callable[[Sequence[Any]], str] = _count  # a batch's label in file names and the audit log
    sync_limit: int = 30  # up to this many print at once; more become a background job
    # Objects laid out at a time in a job (progress moves by this much). Each layout pays a fixed cost (styles,
    # fonts): Form 1 printed 55 letters/s in chunks of 20 and 62–85 in chunks of 50 on the benchmark machine.
    chunk_size: int = 50
    # Told which objects were printed once their PDF is made (handouts mark their deliveries printed).
    after_print: Callable[[Sequence[Any]], Any] | None = None

    def load(self, ids: Iterable[int], user=None) -> list:
        """The objects with ``ids``, in that order (of those ``user`` may see, when given).

        Raises ``LookupError`` when any is missing, so a batch is printed whole or not at all.
        """
        ids = list(ids)
        queryset = self.queryset() if user is None else visible_to(user, self.queryset())
        by_id = queryset.in_bulk(ids)
        if any(i not in by_id for i in ids):
            raise LookupError(f"{self.noun}の対象の一部が見つかりません（削除された可能性があります）。")
        return [by_id[i] for i in ids]

    def may_print(self, user, objects: Iterable) -> bool:
        """True when ``user`` may print every one of ``objects`` (their station, and their koban for koban roles)."""
        return all(can_change(user, obj, self.permission) for obj in objects)

    def pdf(self, objects: Sequence, *, progress: Callable[[int], None] | None = None) -> bytes:
        """The objects as one PDF, laid out ``chunk_size`` at a time; ``progress`` hears the count done."""
        pdf = pdf_in_chunks(self.render, objects, chunk_size=self.chunk_size, progress=progress)
        if self.after_print is not None:
            self.after_print(objects)
        return pdf

    def filename(self, label: str) -> str:
        return f"{self.noun}_{label}.pdf"


_KINDS: dict[str, DocumentKind] = {}


def register(kind: DocumentKind) -> DocumentKind:
    _KINDS[kind.code] = kind
    return kind


def unregister(code: str) -> None:
    _KINDS.pop(code, None)


def get(code: str) -> DocumentKind:
    try:
        return _KINDS[code]
    except KeyError:
        raise LookupError(f"unknown document kind {code!r}") from None


def registered() -> list[DocumentKind]:
    return list(_KINDS.values())


def letters_label(memberships: Sequence) -> str:
    """「一番町交番連絡協議会」, or 「一番町交番連絡協議会ほか2協議会」 for letters of several councils."""
    councils = sorted({m.council.name for m in memberships})
    return councils[0] if len(councils) == 1 else f"{councils[0]}ほか{len(councils) - 1}協議会"


FORM1 = register(
    DocumentKind(
        code="form1",
        noun="委嘱状",
        queryset=lambda: letter_queryset().prefetch_related("council__kobans"),
        render=letters_document,
        audit_action="form1.print",
        ids_key="membership_ids",
        describe=letters_label,
    )
)
