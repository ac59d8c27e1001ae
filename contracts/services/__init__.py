"""Every change of state of a contract (SPEC §3) and of the favorites list, by concern.

Callers use the names below (`services.accept(...)`); rules about what may be done live in contracts/rules.py.
"""

from .closing import void_closed_year_invitations
from .favorites import favorite_add, favorite_remove
from .invitations import DEFAULT_VALID_DAYS, MAX_VALID_DAYS, MIN_VALID_DAYS, accept, invite, refuse, withdraw
from .jobs import expire_overdue, expire_termination_requests, remind_expiring
from .mechanics import ContractError
from .operator import operator_expire, operator_void
from .review import approve, batch_approve, reject
from .roster import student_names_changed
from .termination import answer_termination, request_termination, review_termination

__all__ = [
    "DEFAULT_VALID_DAYS", "MAX_VALID_DAYS", "MIN_VALID_DAYS", "ContractError",
    "accept", "answer_termination", "approve", "batch_approve", "expire_overdue", "expire_termination_requests",
    "favorite_add", "favorite_remove", "invite", "operator_expire", "operator_void", "refuse", "reject",
    "remind_expiring", "request_termination", "review_termination", "student_names_changed",
    "void_closed_year_invitations", "withdraw",
]
