"""Who may do what with a contract or a favorite: each rule written once.

A rule is a predicate on one row — the service checks it under its lock, the view hands the page a boolean — and,
where a list filters or marks rows by it, the matching `Q` beside it, so that a row's buttons, the service's check and
the list's filter cannot drift apart (tests/contracts/test_rules.py holds each pair to the same answers).

`now` is always passed in. The 应约 deadline is authoritative (SPEC §3): an invitation past it counts as expired
whether or not the expiry job has marked the row yet.
"""

from enum import StrEnum

from django.db.models import Exists, OuterRef, Q

from .models import (
    ACTIVE_STATES,
    REINVITABLE_STATES,
    TAB_STORED_STATUSES,
    Contract,
    ContractStatus,
    Side,
    TerminationRequest,
    TerminationStage,
    TerminationStatus,
)

S = ContractStatus

# The agreement exists (and its PDF can be had) from signing on, also after it was terminated.
AGREEMENT_STATES = (S.SIGNED, S.TERMINATING, S.TERMINATED)


# ---------------------------------------------------------------------------------------------- the deadline


def effective_status(contract: Contract, now) -> str:
    """The status users see: an invitation past its deadline is EXPIRED even before the job marks it."""
    if contract.status == S.INVITED and contract.deadline <= now:
        return S.EXPIRED
    return contract.status


def overdue_q(now) -> Q:
    """Invitations past their deadline that the expiry job has not marked yet."""
    return Q(status=S.INVITED, deadline__lte=now)


def status_q(status: str, now) -> Q:
    """Rows whose effective status is `status`."""
    if status == S.INVITED:
        return Q(status=S.INVITED, deadline__gt=now)
    if status == S.EXPIRED:
        return Q(status=S.EXPIRED) | overdue_q(now)
    return Q(status=status)


def is_overdue(contract: Contract, now) -> bool:
    return contract.status == S.INVITED and contract.deadline <= now


def awaits_answer(contract: Contract, now) -> bool:
    """An invitation the student can still accept or refuse."""
    return contract.status == S.INVITED and contract.deadline > now


def awaits_answer_q(now) -> Q:
    return Q(status=S.INVITED, deadline__gt=now)


# ---------------------------------------------------------------------------------------------- open contracts


def is_open(contract: Contract, now) -> bool:
    """An invitation still waiting for its answer, or an agreement under review or in force."""
    return awaits_answer(contract, now) or contract.status in ACTIVE_STATES


def open_q(now) -> Q:
    return awaits_answer_q(now) | Q(status__in=ACTIVE_STATES)


def holds_active(contract: Contract) -> bool:
    """The student's one contract under review or in force (the partial unique index allows one)."""
    return contract.status in ACTIVE_STATES


def active_q() -> Q:
    return Q(status__in=ACTIVE_STATES)


# ---------------------------------------------------------------------------------------------- the employer


def can_withdraw(contract: Contract, now) -> bool:
    return awaits_answer(contract, now)


def can_reinvite(contract: Contract, now) -> bool:
    """再次发起签约 starts from a failed or void record (签约失败, 失效), an overdue invitation included."""
    return effective_status(contract, now) in REINVITABLE_STATES


def reinvitable_q(now) -> Q:
    return Q(status__in=REINVITABLE_STATES) | Q(status=S.INVITED, deadline__lte=now)


def has_agreement(contract: Contract) -> bool:
    """The agreement exists (number, PDF) from signing on, also once terminated."""
    return contract.status in AGREEMENT_STATES


def can_request_termination(contract: Contract) -> bool:
    """Either party may ask to end an agreement in force with no open request (解约失败 ones included)."""
    return contract.status == S.SIGNED


def can_invite_from_favorite(*, has_open_contract: bool) -> bool:
    """发送邀请函 is offered while this unit has nothing open with the student (the service checks the rest)."""
    return not has_open_contract


def can_remove_favorite(*, has_open_contract: bool) -> bool:
    """A favorite stays while this unit has an open contract with the student (see `favorite_open_contract`)."""
    return not has_open_contract


def favorite_open_contract(now) -> Exists:
    """For a Favorite queryset: whether its unit has an open contract with its graduate."""
    return Exists(
        Contract.objects.filter(unit_id=OuterRef("unit_id"), graduate_id=OuterRef("graduate_id")).filter(open_q(now))
    )


# ---------------------------------------------------------------------------------------------- the student


def can_accept(contract: Contract, now, *, holds_other_active: bool, destination_blocks: bool = False) -> bool:
    """应约 binds the student: only before the deadline, with no other contract under review or in force, and with
    no registered destination in the way (students.rules.blocks_signing: the graduate changes it first)."""
    return awaits_answer(contract, now) and not holds_other_active and not destination_blocks


def can_refuse(contract: Contract, now) -> bool:
    return awaits_answer(contract, now)


# ---------------------------------------------------------------------------------------------- termination


def termination_awaits(request: TerminationRequest | None, side: str, now) -> bool:
    """Whether `side` may still answer this termination request: pending, not their own, before its deadline."""
    return termination_pending(request, now) and request.counterpart_side == side


def termination_pending(request: TerminationRequest | None, now) -> bool:
    """A request still waiting for the counterpart's answer."""
    return request is not None and request.status == TerminationStatus.PENDING and not termination_overdue(request, now)


def can_answer_termination(contract: Contract, request: TerminationRequest | None, side: str, now) -> bool:
    return contract.status == S.TERMINATING and termination_awaits(request, side, now)


def termination_overdue(request: TerminationRequest, now) -> bool:
    """A request the counterpart left unanswered past its deadline (failed, whether or not the job has run)."""
    return request.status == TerminationStatus.PENDING and request.counterpart_deadline <= now


def termination_expired_q(now) -> Q:
    """For TerminationRequest rows: pending past the counterpart's deadline."""
    return Q(status=TerminationStatus.PENDING, counterpart_deadline__lte=now)


def awaits_school_termination_review(contract: Contract) -> bool:
    return contract.status == S.TERMINATING and contract.termination_stage == TerminationStage.SCHOOL


def termination_failed_q() -> Q:
    """Signed contracts whose latest termination request failed (a new request clears the mark)."""
    return Q(status=S.SIGNED, termination_stage=TerminationStage.FAILED)


# ---------------------------------------------------------------------------------------------- reviewers


class ReviewStep(StrEnum):
    COLLEGE = "college"
    SCHOOL = "school"


def covers(reviewer, contract: Contract) -> bool:
    """Whether the contract is within the reviewer's college or school."""
    if reviewer.college_id is not None:
        return reviewer.college_id == contract.college_id
    return reviewer.school_id == contract.school_id


def scope_q(reviewer, prefix: str = "") -> Q:
    """Rows (of Contract, or of a model `prefix`-related to it) within the reviewer's college or school."""
    if reviewer.college_id is not None:
        return Q(**{f"{prefix}college_id": reviewer.college_id})
    return Q(**{f"{prefix}school_id": reviewer.school_id})


def review_step(reviewer, contract: Contract) -> ReviewStep | None:
    """Which review this reviewer may make on this contract now, if any."""
    if reviewer is None or not reviewer.is_active or not covers(reviewer, contract):
        return None
    if reviewer.college_id is not None:
        return ReviewStep.COLLEGE if contract.status == S.ACCEPTED and contract.two_level_review else None
    if contract.status == S.COLLEGE_APPROVED or (contract.status == S.ACCEPTED and not contract.two_level_review):
        return ReviewStep.SCHOOL
    return None


def review_queue_q(reviewer) -> Q:
    """The contracts `review_step` gives this reviewer a step on."""
    if reviewer.college_id is not None:
        return Q(college_id=reviewer.college_id, status=S.ACCEPTED, two_level_review=True)
    return Q(school_id=reviewer.school_id) & (Q(status=S.COLLEGE_APPROVED) | Q(status=S.ACCEPTED, two_level_review=False))


def reviews_terminations(reviewer) -> bool:
    """Termination is reviewed at the school level only (SPEC §3)."""
    return reviewer is not None and reviewer.is_active and reviewer.college_id is None


def can_review_termination(reviewer, contract: Contract) -> bool:
    return reviews_terminations(reviewer) and covers(reviewer, contract) and awaits_school_termination_review(contract)


# ---------------------------------------------------------------------------------------------- the employer's tabs


class EmployerTab(StrEnum):
    """签约解约's tabs in the seed's order (labels and explanation lines are in presentation.py)."""

    FAVORITES = "favorites"
    SIGNING = "signing"
    SIGNED = "signed"
    FAILED = "failed"
    TERMINATING = "terminating"
    TERMINATED = "terminated"
    TERMINATION_FAILED = "termination_failed"
    VOID = "void"


# The effective statuses each contract tab lists (also the choices of its 最新状态 filter).
TAB_STATUSES: dict[EmployerTab, tuple[str, ...]] = {
    EmployerTab.FAVORITES: (),
    EmployerTab.SIGNING: tuple(TAB_STORED_STATUSES["signing"]),
    EmployerTab.SIGNED: (S.SIGNED,),
    EmployerTab.FAILED: tuple(TAB_STORED_STATUSES["failed"]),
    EmployerTab.TERMINATING: (S.TERMINATING,),
    EmployerTab.TERMINATED: (S.TERMINATED,),
    EmployerTab.TERMINATION_FAILED: (S.SIGNED,),
    EmployerTab.VOID: tuple(TAB_STORED_STATUSES["void"]),
}


def tab_q(tab: EmployerTab, now) -> Q:
    """The contracts a tab lists: its stored statuses, with invitations past their deadline moved from 签约中 to
    签约失败 (in this form each tab's partial index in contracts.models serves it)."""
    if tab == EmployerTab.TERMINATION_FAILED:
        return termination_failed_q()
    stored = Q(status__in=TAB_STATUSES[tab])
    if tab == EmployerTab.SIGNING:
        return stored & ~overdue_q(now)
    if tab == EmployerTab.FAILED:
        # The same as `stored | overdue_q(now)`, written so that PostgreSQL sees it within the tab's partial index.
        return Q(status__in=[*TAB_STATUSES[tab], S.INVITED]) & (~Q(status=S.INVITED) | Q(deadline__lte=now))
    return stored


# ---------------------------------------------------------------------------------------------- what a page may offer


def employer_actions(contract: Contract, now, *, termination: TerminationRequest | None = None,
                     in_favorites: bool = True) -> dict[str, bool]:
    """The buttons an employer's row or detail may show (`termination`: the contract's latest request, if any)."""
    return {
        "can_withdraw": can_withdraw(contract, now),
        "can_reinvite": in_favorites and can_reinvite(contract, now),
        "can_request_termination": can_request_termination(contract),
        "can_answer_termination": can_answer_termination(contract, termination, Side.EMPLOYER, now),
    }


def student_actions(contract: Contract, now, *, holds_other_active: bool,
                    termination: TerminationRequest | None = None, destination_blocks: bool = False) -> dict[str, bool]:
    """The buttons a student's invitation or contract may show."""
    return {
        "can_accept": can_accept(contract, now, holds_other_active=holds_other_active,
                                 destination_blocks=destination_blocks),
        "can_refuse": can_refuse(contract, now),
        "view_only": awaits_answer(contract, now) and holds_other_active,
        "can_request_termination": can_request_termination(contract),
        "can_answer_termination": can_answer_termination(contract, termination, Side.STUDENT, now),
    }


# ---------------------------------------------------------------------------------------------- platform operators

# 作废 by an operator (fraud, a unit that must stop, a mistaken invitation): anything not yet in force. An agreement
# that is signed (or being terminated) ends only through 解约 with the school's review, never by the platform alone.
OPERATOR_VOIDABLE_STATES = (S.INVITED, S.ACCEPTED, S.COLLEGE_APPROVED)


def can_operator_void(contract: Contract) -> bool:
    """An invitation (overdue ones included) or an agreement under review, not yet signed."""
    return contract.status in OPERATOR_VOIDABLE_STATES


def operator_voidable_q() -> Q:
    return Q(status__in=OPERATOR_VOIDABLE_STATES)


def can_operator_expire(contract: Contract) -> bool:
    """立即失效: an invitation not yet answered, whether or not its deadline has passed (the job may not have run)."""
    return contract.status == S.INVITED


def operator_expirable_q() -> Q:
    return Q(status=S.INVITED)
