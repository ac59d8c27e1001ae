"""Changes of state of students: their accounts, and their 毕业去向 (SPEC §5), by concern.

Callers use the names below (`services.register(...)`); what may be done is decided in students/rules.py.
"""

from .accounts import ALREADY_ACTIVATED, NO_MATCH, graduate_confirm, student_activate
from .destinations import (
    DestinationError,
    Registration,
    approve,
    batch_approve,
    destination_clear_agreement,
    destination_record_agreement,
    operator_correct,
    operator_revoke,
    register,
    return_for_correction,
    reusable_proof,
    withdraw,
)

__all__ = [
    "ALREADY_ACTIVATED", "NO_MATCH", "DestinationError", "Registration", "approve", "batch_approve",
    "destination_clear_agreement", "destination_record_agreement", "graduate_confirm", "operator_correct",
    "operator_revoke", "register", "return_for_correction", "reusable_proof", "student_activate", "withdraw",
]
