"""Small helpers shared by the benchmarks: nearest-rank percentiles, a query counter, and table cells padded to
their width on screen (a kanji takes two columns)."""

from __future__ import annotations

import math
import unicodedata


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, align: str) -> str:
    space = " " * max(0, width - display_width(text))
    return text + space if align == "<" else space + text


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


class QueryCounter:
    """Counts SQL statements like ``CaptureQueriesContext`` does, without its 9,000-query log limit (the demo
    load runs more) and without keeping the SQL text."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)
