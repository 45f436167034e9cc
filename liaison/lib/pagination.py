"""A paginator for searches over large tables: it counts matches only up to a cap.

Counting every match of a search costs as much as reading them all (佐藤 among 157,000 people, サ among their
readings), while nobody pages through more than a few hundred results: they type more instead. So a search counts
at most ``cap`` + 1 rows (``SELECT COUNT(*) FROM (SELECT … LIMIT cap + 1)``), shows 「1,000件以上」 when there are
more, and offers the pages up to the cap. Lists without a search term keep Django's exact ``Paginator``.
"""

from __future__ import annotations

from django.core.paginator import Paginator
from django.utils.functional import cached_property

__all__ = ["SEARCH_COUNT_CAP", "CappedPaginator"]

SEARCH_COUNT_CAP = 1000


class CappedPaginator(Paginator):
    """A ``Paginator`` whose ``count`` stops at ``cap``; ``capped`` tells that more rows matched than were counted."""

    cap = SEARCH_COUNT_CAP

    def __init__(self, object_list, per_page, *, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        if cap is not None:
            self.cap = cap

    @cached_property
    def _counted(self) -> int:
        # The count needs no order: without it the database stops after cap + 1 rows instead of sorting them all.
        return self.object_list.order_by()[: self.cap + 1].count()

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @cached_property
    def capped(self) -> bool:
        return self._counted > self.cap
