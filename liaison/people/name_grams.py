"""The n-grams of names that the name search looks up (``PersonNameGram``): pure functions, also used by migrations.

A name's grams are its characters and its pairs of adjacent characters. A search term of one or two characters is
itself a gram; a longer term occurs only in names that hold every pair of its characters, so its pairs narrow the
search to a few rows that ``LIKE`` then checks. Characters are Python's (code points): 𠮷 is one character although
UTF-16 needs two units for it.
"""

from __future__ import annotations

__all__ = ["fold_case", "is_whole_gram", "name_grams", "term_grams"]

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
