"""Domain errors shared by every app: raised by selectors and services, translated by whoever calls them."""


class NotFound(Exception):
    """No such record for this user (or none at all: the two are never told apart).

    Views answer 404 (signing_platform.web.NotFoundMiddleware does it once for every view); exports, tasks and APIs
    decide for themselves.
    """

    def __init__(self, message: str = "记录不存在或无权操作"):
        super().__init__(message)
        self.message = message


def get_or_not_found(queryset, **lookup):
    """The one row of `queryset` matching `lookup`, or NotFound (also for a malformed key)."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise NotFound from None
