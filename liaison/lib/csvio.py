"""CSV bytes as Japanese offices produce and expect them.

Import: a UTF-8 BOM is stripped, then UTF-8 is tried, then CP932 (Windows' Shift_JIS, which Excel writes). Plain
``shift_jis`` is never used: it cannot decode 髙, ①, ㈱ and other NEC/IBM extension characters that CP932 has.
A UTF-16 file with a BOM (Excel's "Unicode text") is decoded too.

Export: ``utf-8-sig`` (UTF-8 with BOM, which Excel opens correctly) by default, or ``cp932`` for older systems.
Rows end with CRLF. Text cells beginning with ``= + - @`` (or a tab / carriage return) are prefixed with ``'`` so
spreadsheet programs do not run them as formulas (CSV injection, see ``neutralise_formula``; Excel workbooks get
the same treatment in :mod:`liaison.lib.xlsxio`); pass ``escape_formulas=False`` for machine-to-machine files.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterable
from decimal import Decimal

__all__ = ["DECODE_ERROR", "decode_csv", "decode_csv_bytes", "encode_csv", "neutralise_formula"]

DECODE_ERROR = "CSVファイルの文字コードを判別できません。UTF-8 または Shift_JIS（CP932）で保存してください。"

# OWASP's list, plus the full-width forms: Japanese Excel reads a leading ＝ ＋ － ＠ as the ASCII sign.
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# Characters that CP932 cannot encode but that have an obvious CP932 twin (a Mac/Unicode em dash vs. the Japanese
# horizontal bar that CP932 maps 0x815C to).
_CP932_TWINS = str.maketrans({"\u2014": "\u2015"})

_ENCODINGS = {
    "utf-8-sig": "utf-8-sig",
    "utf8-sig": "utf-8-sig",
    "utf-8": "utf-8",
    "utf8": "utf-8",
    "cp932": "cp932",
    "ms932": "cp932",
    "windows-31j": "cp932",
    "shift_jis": "cp932",
    "sjis": "cp932",
}


def decode_csv(data: bytes) -> tuple[str, str]:
    """Decode an uploaded CSV file and say how: ``(text, encoding)`` with ``encoding`` one of ``"utf-8-sig"``,
    ``"utf-16"``, ``"utf-8"`` and ``"cp932"``. Raises ``ValueError(DECODE_ERROR)`` if it is neither."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise ValueError(DECODE_ERROR) from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ValueError(DECODE_ERROR) from None
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise ValueError(DECODE_ERROR)


def decode_csv_bytes(data: bytes) -> str:
    """Decode an uploaded CSV file. Raises ``ValueError(DECODE_ERROR)`` if it is neither UTF-8 nor CP932."""
    return decode_csv(data)[0]


def neutralise_formula(text: str) -> str:
    """``text`` as a spreadsheet shows it but never runs it: a leading ``= + - @``, tab or CR gets a ``'`` (OWASP)."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _cell(value: object, escape_formulas: bool) -> str:
    if value is None:
        return ""
    text = str(value)
    if not escape_formulas or (isinstance(value, int | float | Decimal) and not isinstance(value, bool)):
        return text  # a number such as -5 is data, not a formula
    return neutralise_formula(text)


def encode_csv(rows: Iterable[Iterable[object]], encoding: str = "utf-8-sig", *, escape_formulas: bool = True) -> bytes:
    """Write ``rows`` as CSV bytes in ``encoding`` (``"utf-8-sig"`` or ``"cp932"``; ``"shift_jis"`` means cp932).

    ``None`` becomes an empty cell. For cp932, a character it cannot represent raises ``ValueError`` naming it.
    """
    codec = _ENCODINGS.get(encoding.lower().replace("_", "-").replace("shift-jis", "shift_jis"))
    if codec is None:
        raise ValueError(f"CSVの文字コードは utf-8-sig または cp932 を指定してください: {encoding}")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(value, escape_formulas) for value in row])
    text = buffer.getvalue()
    if codec == "cp932":
        text = text.translate(_CP932_TWINS)
    try:
        return text.encode(codec)
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end]
        raise ValueError(f"CP932（Shift_JIS）で表せない文字が含まれています: {bad}（U+{ord(bad[0]):04X}）") from None
