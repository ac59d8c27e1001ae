"""Reads of exports: each is its owner's alone."""

from signing_platform.errors import get_or_not_found

from .models import Export


def export_for_user(*, user, pk: int) -> Export:
    """Fetch and authorise: an export this user asked for, else NotFound (whoever else asks, operators included)."""
    return get_or_not_found(Export.objects.filter(user_id=user.pk), pk=pk)
