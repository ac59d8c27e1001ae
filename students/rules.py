"""Who may do what with a graduate's 毕业去向: each rule written once.

As in contracts/rules.py, a rule is a predicate on one row — the service checks it under its lock, the view hands the
page a boolean — and, where a list filters by it, the matching `Q` beside it (tests/students/test_rules.py holds each
pair to the same answers). Reviewer scope is the contracts' one: a record carries its graduate's school and college.
"""

from django.db.models import Q

from contracts.rules import ReviewStep, covers

from .models import (
    PENDING_STATES,
    UNPLACED_CATEGORIES,
    Destination,
    DestinationCode,
    DestinationRecord,
    DestinationState,
    RecordStatus,
)

R = RecordStatus


# ---------------------------------------------------------------------------------------------- signing


def blocks_signing(record: DestinationRecord | None) -> bool:
    """A registered destination other than 70/71/72, pending or in force, stands in the way of 应约: the graduate
    changes it first. A code 10 that came from signing is the contracts' business (one active contract) instead."""
    return (
        record is not None
        and (record.status in PENDING_STATES or record.status == R.CONFIRMED)
        and record.contract_id is None
        and record.code.category not in UNPLACED_CATEGORIES
    )


def blocks_signing_q() -> Q:
    """For DestinationRecord rows: those `blocks_signing` holds for."""
    return (
        Q(status__in=[*PENDING_STATES, R.CONFIRMED], contract__isnull=True)
        & ~Q(code__category__in=UNPLACED_CATEGORIES)
    )


# ---------------------------------------------------------------------------------------------- the graduate


def can_register(*, holds_active_contract: bool, pending: DestinationRecord | None) -> bool:
    """A new registration (or a change of the one in force): never while an agreement is under review or in force
    (its code 10 comes from the signing), and one request under review at a time."""
    return not holds_active_contract and pending is None


def can_register_code(code: DestinationCode) -> bool:
    """Every active code; 10 only as 线下签约 (the platform registers the online agreements itself)."""
    return code.is_active


def can_withdraw(record: DestinationRecord) -> bool:
    """The graduate may take back a request under review, or one returned to them, of their own making."""
    return record.contract_id is None and (record.status in PENDING_STATES or record.status == R.RETURNED)


def is_open_request(record: DestinationRecord | None) -> bool:
    """A request waiting for a reviewer."""
    return record is not None and record.status in PENDING_STATES


# ---------------------------------------------------------------------------------------------- reviewers


def review_step(reviewer, record: DestinationRecord) -> ReviewStep | None:
    """Which review this reviewer may make on this record now, if any (the college's, then the school's)."""
    if reviewer is None or not reviewer.is_active or not covers(reviewer, record):
        return None
    if reviewer.college_id is not None:
        return ReviewStep.COLLEGE if record.status == R.PENDING_COLLEGE else None
    return ReviewStep.SCHOOL if record.status == R.PENDING_SCHOOL else None


def review_queue_q(reviewer) -> Q:
    """The records `review_step` gives this reviewer a step on."""
    if reviewer.college_id is not None:
        return Q(college_id=reviewer.college_id, status=R.PENDING_COLLEGE)
    return Q(school_id=reviewer.school_id, status=R.PENDING_SCHOOL)


# ---------------------------------------------------------------------------------------------- operators


def can_operator_revoke(record: DestinationRecord) -> bool:
    """An operator may revoke a confirmed registration; one that came from signing ends with its agreement only."""
    return record.status == R.CONFIRMED and record.contract_id is None


def can_operator_correct(record: DestinationRecord) -> bool:
    """An operator may correct what a graduate declared (a typo in a name) while it is pending or in force."""
    return record.contract_id is None and (record.status in PENDING_STATES or record.status == R.CONFIRMED)


# ---------------------------------------------------------------------------------------------- the summary row


def state_of(destination: Destination) -> str:
    """The state the roster and the graduate's page show: the open request's, else whether a record is in force."""
    request = destination.request
    if request is not None and request.status in (R.PENDING_COLLEGE, R.PENDING_SCHOOL, R.RETURNED):
        return DestinationState(request.status)
    return DestinationState.CONFIRMED if destination.record_id else DestinationState.UNREGISTERED


def state_q(state: str, prefix: str = "") -> Q:
    """Rows (of Destination, or of a model `prefix`-related to it, e.g. a Graduate's "destination__") in `state`;
    a graduate without a row yet is 未落实."""
    if state == DestinationState.UNREGISTERED:
        return Q(**{f"{prefix}state": state}) | (Q(**{f"{prefix}pk__isnull": True}) if prefix else Q(pk__in=[]))
    return Q(**{f"{prefix}state": state})


def category_q(category: str, prefix: str = "") -> Q:
    """Rows whose destination in force is of `category`."""
    return Q(**{f"{prefix}code__category": category})
