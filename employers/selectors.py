"""Reads of employer units: the unit of a user, its current archive information."""

from .models import ArchiveInfo, Unit, UnitMember


def unit_for_user(user) -> Unit | None:
    """The unit an active employer user belongs to, or None (not yet authenticated, or disabled)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    member = UnitMember.objects.select_related("unit").filter(user=user, is_active=True).first()
    return member.unit if member else None


def current_archive_info(unit: Unit) -> ArchiveInfo | None:
    """The archive information in force: the latest row of the unit's history."""
    return ArchiveInfo.objects.filter(unit=unit).order_by("-created_at", "-id").first()
