"""The staff API's pagination: malformed values are refused with a 400, large ones capped."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request

# A page larger than this is served as this: nobody reads 500 rows at once, and an unbounded
# LIMIT reaches PostgreSQL as an out-of-range bigint.
MAX_LIMIT = 500
# Far beyond any table here; a larger offset is a mistake, not a page.
MAX_OFFSET = 10**9


def _int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 30:
        raise ValidationError({name: [_("Enter a whole number of 0 or more.")]})
    return int(raw)


class PortalPagination(LimitOffsetPagination):
    default_limit = 50
    max_limit = MAX_LIMIT

    def get_limit(self, request: Request) -> int:
        limit = _int_param(request, self.limit_query_param)
        if limit is None:
            return self.default_limit
        if limit == 0:
            raise ValidationError({self.limit_query_param: [_("Enter a whole number of 1 or more.")]})
        return min(limit, self.max_limit)

    def get_offset(self, request: Request) -> int:
        offset = _int_param(request, self.offset_query_param)
        if offset is None:
            return 0
        if offset > MAX_OFFSET:
            raise ValidationError(
                {self.offset_query_param: [_("Enter a number of at most %(max)s.") % {"max": MAX_OFFSET}]}
            )
        return offset
