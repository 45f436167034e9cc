"""The query planner's statistics.

PostgreSQL gathers them itself (autovacuum's ANALYZE) as its tables grow. SQLite has none until someone runs ANALYZE,
and without them it guesses: at ten times the largest prefecture it read HQ's council list from all 11,000 councils
and sorted them (4 ms a request), where with them it reads the stations in order and stops at the page (0.5 ms).

:func:`gather_statistics` runs a sampled ANALYZE on SQLite (``analysis_limit``: a few hundred rows an index, about
60 ms at that size) and nothing on PostgreSQL. The daily ``refresh_findings --date-driven`` and ``generate_scale``
call it, so a SQLite database's statistics follow its data as PostgreSQL's do.
"""

from django.db import DEFAULT_DB_ALIAS, connections

SQLITE_ANALYSIS_LIMIT = 400  # rows read per index: statistics close enough, at a cost that does not grow with the data


def gather_statistics(using: str = DEFAULT_DB_ALIAS) -> bool:
    """Refresh SQLite's statistics of every table; True when done (False on PostgreSQL, which keeps its own)."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")
    return True
