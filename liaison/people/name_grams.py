"""The n-grams of names that the name search looks up (``PersonNameGram``) and the first letters of readings that the
reading search looks up (``PersonReadingPrefix``): pure functions, also used by migrations.

A name's grams are its characters and its pairs of adjacent characters. A search term of one or two characters is
itself a gram; a longer term occurs only in names that hold every pair of its characters, so its pairs narrow the
search to a few rows that ``LIKE`` then checks. Characters are Python's (code points): 𠮷 is one character although
UTF-16 needs two units for it.
"""

from __future__ import annotations

from liaison.lib.kana import reading_prefix_key

__all__ = ["READING_PREFIX_LENGTH", "fold_case", "is_whole_gram", "name_grams", "reading_prefixes", "term_grams"]

# SQLite's LIKE (what ``contains`` becomes there) folds ASCII letters and nothing else; folding the grams and the
# term the same way keeps the grams a superset of what LIKE finds on either database.
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")

# A longer term is narrowed by this many of its pairs: each is one index range, and LIKE checks the rest.
MAX_TERM_GRAMS = 3


def fold_case(text: str) -> str:
    return text.translate(_ASCII_LOWER)


def name_grams(*names: str) -> set[str]:
    """Every character and every pair of adjacent characters of each name, case-folded as LIKE folds."""
    grams: set[str] = set()
    for name in names:
        folded = fold_case(name)
        grams.update(folded)
        grams.update(folded[i : i + 2] for i in range(len(folded) - 1))
    return grams


def term_grams(term: str) -> list[str]:
    """The grams every name containing ``term`` holds: the term itself up to two characters, else up to
    ``MAX_TERM_GRAMS`` of its distinct pairs (first, last, then middle ones: spread over the term)."""
    folded = fold_case(term)
    if len(folded) <= 2:
        return [folded] if folded else []
    pairs = list(dict.fromkeys(folded[i : i + 2] for i in range(len(folded) - 1)))
    spread = [pairs[0], pairs[-1], *pairs[1:-1]] if len(pairs) > 1 else pairs
    return list(dict.fromkeys(spread))[:MAX_TERM_GRAMS]


def is_whole_gram(term: str) -> bool:
    """Whether holding ``term``'s gram is the same as a name containing ``term``: a term of one or two characters
    without ASCII letters (folding would make "sm" the gram of "SM" too, which PostgreSQL's LIKE tells apart)."""
    return 0 < len(term) <= 2 and fold_case(term) == term and term.upper() == term


# The reading search looks a person up by at most this many letters of a reading (``PersonReadingPrefix``).
READING_PREFIX_LENGTH = 3


def reading_prefixes(*readings: str) -> set[str]:
    """The first one, two and three letters of each reading's primary key part (``reading_prefix_key``: サ and ザ
    alike), which is what a typed reading's key starts with; a reading that is not one gives none."""
    prefixes: set[str] = set()
    for reading in readings:
        try:
            key = reading_prefix_key(reading)
        except ValueError:
            continue
        prefixes.update(key[:n] for n in range(1, min(len(key), READING_PREFIX_LENGTH) + 1))
    return prefixes
