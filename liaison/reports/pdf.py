"""HTML → PDF with WeasyPrint (X5: A4 forms laid out with CSS ``@page``).

Official forms are set in IPAex明朝 from Debian's ``fonts-ipaexfont``. The font is declared with ``@font-face`` on
the local file when it is there, and by its fontconfig family name otherwise, so the PDF embeds a Japanese font
instead of silently drawing boxes.
"""

from __future__ import annotations

import contextlib
import gc
import threading
from collections.abc import Iterable, Iterator
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

MINCHO_FAMILY = "IPAexMincho"
MINCHO_FILES = (
    Path("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf"),
    Path("/usr/share/fonts/truetype/fonts-japanese-mincho.ttf"),
)


def mincho_font_face() -> str:
    """CSS ``@font-face`` rule for IPAex明朝 (a local file when installed, else the fontconfig name)."""
    for path in MINCHO_FILES:
        if path.exists():
            return f'@font-face {{ font-family: "{MINCHO_FAMILY}"; src: url("{path.as_uri()}"); }}'
    return f'@font-face {{ font-family: "{MINCHO_FAMILY}"; src: local("{MINCHO_FAMILY}"); }}'


def _html(template_name: str, context: dict):
    from weasyprint import HTML

    html = render_to_string(template_name, {**context, "font_face": mincho_font_face()})
    return HTML(string=html, base_url=str(settings.BASE_DIR))


_fonts = threading.local()


def font_configuration():
    """This thread's WeasyPrint font configuration, made once and kept: making one loads every installed font and
    copies the Mincho file into a temporary folder, a third of the time of a one-page form. WeasyPrint keeps each
    ``@font-face`` font it has added, by its rule, so later documents find it there."""
    config = getattr(_fonts, "config", None)
    if config is None:
        from weasyprint.text.fonts import FontConfiguration

        config = _fonts.config = FontConfiguration()
    return config


_layouts_lock = threading.Lock()
_layouts = 0  # layouts running in this process, in any thread
_gc_was_enabled = True


@contextlib.contextmanager
def cyclic_gc_paused() -> Iterator[None]:
    """Python's cycle collector paused while a document is laid out, and the young objects collected after.

    Layout makes hundreds of thousands of objects that live until the page is drawn, and the collector, run every
    few hundred allocations, scans them again and again: a fifth of the time of a batch of letters. Paused for one
    layout (a chunk of a batch at most) and run once after it, memory stays what it was. The collector is process-wide,
    so layouts in other threads are counted: the last one to finish turns it back on, unless it was off before."""
    global _layouts, _gc_was_enabled
    with _layouts_lock:
        if _layouts == 0:
            _gc_was_enabled = gc.isenabled()
            gc.disable()
        _layouts += 1
    try:
        yield
    finally:
        with _layouts_lock:
            _layouts -= 1
            last = _layouts == 0
            if last and _gc_was_enabled:
                gc.enable()
        if last:
            gc.collect(1)


def render_document(template_name: str, context: dict, font_config=None):
    """Lay out a template as a WeasyPrint document (the slow part); ``write_documents`` turns documents into a PDF."""
    with cyclic_gc_paused():
        return _html(template_name, context).render(font_config=font_config or font_configuration())


def write_documents(documents: Iterable) -> bytes:
    """One PDF with the pages of every document, in order."""
    documents = list(documents)
    if not documents:
        raise ValueError("印刷するページがありません。")
    pages = [page for document in documents for page in document.pages]
    with cyclic_gc_paused():
        return documents[0].copy(pages).write_pdf()


def render_pdf(template_name: str, context: dict) -> bytes:
    """Render a template to PDF bytes."""
    document = render_document(template_name, context)
    with cyclic_gc_paused():
        return document.write_pdf()
