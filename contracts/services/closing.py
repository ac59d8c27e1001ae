"""毕业年度关闭 (a graduation year closed by an operator): its invitations still awaiting an answer are voided."""

from django.utils import timezone

from schools.models import GraduationYearClosure

from ..models import ContractEvent, ContractStatus
from ..selectors import invitations_of_year
from .mechanics import ContractError, end_invitations, expire_lapsed

S = ContractStatus
YEAR_CLOSED_NOTE = "毕业年度已关闭"


def void_closed_year_invitations(*, actor, school_id: int | None, year: int, now=None, batch_size: int = 5000) -> int:
    """The invitations of a closed `year` (of one school, or of every school) still awaiting an answer become VOIDED
    (毕业年度已关闭) with their events and tab counters, set-based in batches; those already past their deadline
    expire, as the job would have marked them. Safe to run again. Returns how many were voided."""
    if not GraduationYearClosure.objects.filter(school_id=school_id, year=year).exists():
        raise ContractError(f"{year}届毕业年度尚未关闭")
    now = now or timezone.now()
    invitations = invitations_of_year(school_id=school_id, year=year)
    expire_lapsed(invitations, now=now, batch_size=batch_size)
    return end_invitations(invitations.filter(deadline__gt=now), to=S.VOIDED, action=ContractEvent.Action.VOID,
                           actor=actor, note=YEAR_CLOSED_NOTE, now=now, batch_size=batch_size)
