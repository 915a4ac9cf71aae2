"""Pages of long lists whose size does not slow them down."""

from django.core.cache import caches
from django.core.paginator import Paginator
from django.utils.functional import cached_property

# How long a kept count (NearerEndPaginator's count_key) is trusted at most.
COUNT_TTL = 60 * 60
# The deepest a long list pages: 200 pages of 50.
MAX_PAGED_ROWS = 10_000


class CappedPaginator(Paginator):
    """Counts and pages through at most `cap` rows.

    Counting a year of attendance (millions of records) or reaching its last page by
    OFFSET costs as much as reading them all; nobody pages that far. Past the cap the
    page says "more than 10,000", and narrowing the filters (or the export, which has
    every row) reaches the rest.
    """

    def __init__(self, object_list, per_page, cap: int | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.cap = MAX_PAGED_ROWS if cap is None else cap

    @cached_property
    def count(self) -> int:
        return min(self._counted, self.cap)

    @cached_property
    def capped(self) -> bool:
        """True when there are more rows than the pages reach."""
        return self._counted > self.cap

    @cached_property
    def _counted(self) -> int:
        # Up to cap + 1 rows, whichever they are: no order needed to count them (sorting
        # them first, by a joined name say, would cost more than the count).
        rows = self.object_list
        if hasattr(rows, "order_by"):
            rows = rows.order_by()
        return rows[: self.cap + 1].count()


def filtered_page(request, filter_class, queryset, *, per_page: int):
    """A list page's filter set, read from the query string, and its page of results
    (counted and paged only so far: CappedPaginator)."""
    filterset = filter_class(request.GET, queryset=queryset, request=request)
    page = CappedPaginator(filterset.qs, per_page).get_page(request.GET.get("page"))
    return filterset, page


class NearerEndPaginator(Paginator):
    """Reads each page of an ordered queryset from the nearer end of the list.

    OFFSET reads and throws away every row before the page, so the last page of
    100,000 employees costs as much as reading them all. A page in the second half is
    read in the reverse order instead, skipping only the rows after it, and turned
    back in Python: the last page costs what the first does, and no page skips more
    than half the list. Page numbers, and so links and bookmarks, stay as they are.

    The order must be total (end with a unique column), or the two directions could
    disagree on the rows that tie.

    With `count_key`, the number of rows is kept in this process's memory under that key
    for up to `COUNT_TTL` seconds (counting 100,000 employees costs 15 ms a page): the
    key must name everything the count depends on, a version of the data included.
    """

    def __init__(self, object_list, per_page, *, count_key: str | None = None, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key

    @cached_property
    def count(self) -> int:
        if self.count_key is None:
            return Paginator.count.func(self)
        local = caches["local"]
        counted = local.get(self.count_key)
        if counted is None:
            counted = Paginator.count.func(self)
            local.set(self.count_key, counted, COUNT_TTL)
        return counted

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        after = self.count - top  # rows after this page
        if after >= bottom or not getattr(self.object_list, "ordered", False):
            return super().page(number)
        rows = list(self.object_list.reverse()[after : self.count - bottom])
        rows.reverse()
        return self._get_page(rows, number, self)
