"""Conditions that let the database read a partial index.

SQLite uses a partial index only when the query's WHERE holds the index condition's own terms, constants included;
Django binds a query's values as parameters (``status IN (?, ?)``), which SQLite does not match with the index's
``status IN ('received', 'considering')``, so it scans the table. ``IS NULL`` conditions need no constant (the cases'
"not told" index is written that way); where a condition must name values, the query names them with
:class:`InConstants`, which writes them into the SQL as the index does. PostgreSQL reads the index either way.
"""

import re

from django.db.models.lookups import In

_PLAIN = re.compile(r"[A-Za-z0-9_]+")


class InConstants(In):
    """``field IN ('a', 'b')`` with the values written into the SQL, in the order given (the index condition's order:
    SQLite compares the lists term by term). Only plain codes (letters, digits, ``_``) are accepted, so nothing needs
    quoting beyond the enclosing quotes. Use: ``.filter(InConstants(F("status"), ["received", "considering"]))``."""

    def process_rhs(self, compiler, connection):
        values = [str(value) for value in self.rhs]
        if not values or not all(_PLAIN.fullmatch(value) for value in values):
            raise ValueError(f"InConstants takes plain codes only: {values!r}")
        return "(" + ", ".join(f"'{value}'" for value in values) + ")", ()
