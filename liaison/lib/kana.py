"""Readings (フリガナ), their 五十音順 sort keys, and name cleaning.

Readings are stored as full-width katakana. NFKC is applied to readings only (it turns half-width katakana into
full-width and full-width spaces into ASCII ones); names written in kanji are never NFKC-normalised, because NFKC
replaces compatibility ideographs such as 﨑 (U+FA11) and 神 (U+FA19) with different characters.

Sort keys
---------
``reading_sort_key`` returns a string that gives 五十音順 by plain code-point comparison (SQLite's default BINARY
collation, PostgreSQL with ``COLLATE "C"``, Python ``str`` ordering). It has two parts joined by ``|``:

1. the primary part: the reading with dakuten/handakuten removed (ガ→カ, パ→ハ, ヴ→ウ), small kana enlarged
   (ャ→ヤ, ッ→ツ, ァ→ア, ヵ→カ), ・ dropped, and the long vowel mark ー replaced by the vowel of the kana before it
   (カー→カア, ニュース→ニユウス; so カード has the primary part カアト);
2. a tie-break of one digit per primary character — ``0`` plain, ``1`` small kana, ``2`` long vowel mark,
   ``3`` dakuten, ``4`` handakuten — with trailing zeros removed to keep keys short.

So カトウ < ガトウ < キ, ハ < バ < パ < ヒ, キツテ < キッテ, and カアド < カード. ``|`` (and the space used by ``family_given_key``)
sort below every katakana, so a shorter reading sorts before a longer one that starts with it.

PostgreSQL compares text with the database collation unless told otherwise; glibc and ICU collations ignore or
reweigh punctuation, so order by these keys with ``COLLATE "C"`` (``db_collation="C"`` on the field, or
``Collate("sort_key", "C")``) to get the same order as SQLite.
"""

from __future__ import annotations

import unicodedata

import jaconv
from django.utils.translation import gettext_lazy

__all__ = [
    "READING_ERROR",
    "clean_name",
    "family_given_key",
    "is_reading",
    "normalize_reading",
    "reading_prefix_key",
    "reading_sort_key",
]

READING_ERROR = gettext_lazy("読みはカタカナまたはひらがなで入力してください。")

LONG_MARK = "ー"  # U+30FC
MIDDLE_DOT = "・"  # U+30FB

# Hyphen-like characters people type for the long vowel mark in readings (after NFKC, which maps ｰ and － already).
_LONG_MARK_LOOKALIKES = str.maketrans(dict.fromkeys("-‐‑‒–—―−", LONG_MARK))


def _is_katakana_letter(ch: str) -> bool:
    # ァ (U+30A1) … ヺ (U+30FA): every katakana letter including ヴ, ヵ, ヶ and ヷ-ヺ; not ・ ー ヽ ヾ.
    return "\u30a1" <= ch <= "\u30fa"


def is_reading(text: str) -> bool:
    """True if ``text`` is already a clean reading: katakana, ー and ・ only."""
    return all(_is_katakana_letter(ch) or ch in (LONG_MARK, MIDDLE_DOT) for ch in text)


def normalize_reading(text: str | None) -> str:
    """Hiragana / half-width katakana / full-width katakana, with any spaces → full-width katakana without spaces.

    ``"やまだ　たろう"`` → ``"ヤマダタロウ"``, ``"ﾔﾏﾀﾞ"`` → ``"ヤマダ"``. Blank input gives ``""``. Anything that is not
    katakana, ー or ・ afterwards raises ``ValueError(READING_ERROR)``.
    """
    if text is None:
        return ""
    if not isinstance(text, str):
        raise ValueError(READING_ERROR)
    text = unicodedata.normalize("NFKC", text)  # ﾔﾏﾀﾞ → ヤマダ, ｰ → ー, full-width space → space
    text = jaconv.hira2kata(text).translate(_LONG_MARK_LOOKALIKES)
    text = "".join(text.split())
    if not is_reading(text):
        raise ValueError(READING_ERROR)
    return text


_SMALL_TO_LARGE = dict(zip("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ", strict=True))
_VOWEL_ROWS = {
    "ア": "アカサタナハマヤラワ",
    "イ": "イキシチニヒミリヰ",
    "ウ": "ウクスツヌフムユル",
    "エ": "エケセテネヘメレヱ",
    "オ": "オコソトノホモヨロヲ",
    "ン": "ン",
}
_VOWEL_OF = {kana: vowel for vowel, row in _VOWEL_ROWS.items() for kana in row}

MARK_PLAIN, MARK_SMALL, MARK_LONG, MARK_DAKUTEN, MARK_HANDAKUTEN = "0", "1", "2", "3", "4"
KEY_SEPARATOR = "|"  # U+007C, below every katakana
NAME_SEPARATOR = " "  # between family and given keys; below every katakana and every mark digit


def _primary_and_marks(reading: str) -> tuple[str, str]:
    primary: list[str] = []
    marks: list[str] = []
    for ch in reading:
        if ch == MIDDLE_DOT:
            continue
        if ch == LONG_MARK:
            previous = primary[-1] if primary else ""
            primary.append(_VOWEL_OF.get(previous, LONG_MARK))
            marks.append(MARK_LONG)
            continue
        decomposed = unicodedata.normalize("NFD", ch)
        base, combining = decomposed[0], decomposed[1:]
        if "\u3099" in combining:
            mark = MARK_DAKUTEN
        elif "\u309a" in combining:
            mark = MARK_HANDAKUTEN
        elif base in _SMALL_TO_LARGE:
            base, mark = _SMALL_TO_LARGE[base], MARK_SMALL
        else:
            mark = MARK_PLAIN
        primary.append(base)
        marks.append(mark)
    return "".join(primary), "".join(marks)


def reading_sort_key(reading: str | None) -> str:
    """Stored key giving 五十音順 by binary comparison: ``"ガトウ"`` → ``"カトウ|3"``, ``"カード"`` → ``"カアト|023"``.

    The reading is normalised first (hiragana and half-width input are fine); ``ValueError`` if it is not a reading.
    A blank reading gives ``""``, which sorts first.
    """
    kana = normalize_reading(reading)
    if not kana:
        return ""
    primary, marks = _primary_and_marks(kana)
    return f"{primary}{KEY_SEPARATOR}{marks.rstrip(MARK_PLAIN)}"


def reading_prefix_key(reading: str | None) -> str:
    """What every sort key of a reading that starts with ``reading`` starts with: its primary part (no separator).

    A reading R starting with r has a primary part starting with r's (ー takes the vowel before it, ・ is dropped,
    both looking back only), so ``key >= p AND key < p + U+10FFFF`` finds them on an index of the keys. The primary
    part ignores dakuten and small kana (サ and ザ share it): compare the reading itself to tell them apart.
    """
    kana = normalize_reading(reading)
    return _primary_and_marks(kana)[0] if kana else ""


def family_given_key(family_kana: str | None, given_kana: str | None) -> str:
    """Key for a person: by family reading (all levels), then given reading. ``("カトウ", "ハナコ")`` → ``"カトウ| ハナコ|"``.

    Everyone read カトウ sorts before everyone read ガトウ, and within a family reading the given names are in
    五十音順.
    """
    return f"{reading_sort_key(family_kana)}{NAME_SEPARATOR}{reading_sort_key(given_kana)}"


def clean_name(text: str | None) -> str:
    """Tidy a name as typed, without changing any character of it.

    Leading/trailing whitespace is removed and every run of inner whitespace (ASCII spaces, tabs, full-width spaces
    U+3000) becomes one ASCII space: ``"　山田　　太郎 "`` → ``"山田 太郎"``. No Unicode normalisation: 髙 (U+9AD9),
    﨑 (U+FA11) and 神 (U+FA19) are kept exactly as typed.
    """
    if text is None:
        return ""
    return " ".join(text.split())
