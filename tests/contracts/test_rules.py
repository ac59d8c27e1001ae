"""contracts/rules.py: each predicate on one row and the Q filter beside it give the same answer, for every state,
before and after the deadline, whether or not the expiry job has run."""

import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from contracts import rules
from contracts.models import Contract, ContractStatus, TerminationStage
from tests.schools.factories import CollegeReviewerFactory, SchoolReviewerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.counters_unchecked]
S = ContractStatus

# Every state a contract can be in, with the termination stages its check constraint allows.
STATES = [(status, TerminationStage.NONE) for status in S if status != S.TERMINATING] + [
    (S.SIGNED, TerminationStage.FAILED),
    (S.TERMINATING, TerminationStage.COUNTERPART),
    (S.TERMINATING, TerminationStage.SCHOOL),
]


@pytest.fixture
def shaped(cast, invite):
    """One contract, put into any state and deadline by a direct update (no service: the rules alone are tested)."""
    contract = invite()

    def shape(status, stage=TerminationStage.NONE, *, overdue=False, two_level=True):
        now = timezone.now()
        deadline = now - timedelta(minutes=1) if overdue else now + timedelta(days=1)
        agreement_no = "2026100011000001" if status in (S.SIGNED, S.TERMINATING, S.TERMINATED) else None
        Contract.objects.filter(pk=contract.pk).update(
            status=status, termination_stage=stage, deadline=deadline, agreement_no=agreement_no,
            two_level_review=two_level,
        )
        return Contract.objects.get(pk=contract.pk), now

    return shape


def matches(contract, q) -> bool:
    return Contract.objects.filter(pk=contract.pk).filter(q).exists()


@pytest.mark.parametrize(("state", "overdue"), list(itertools.product(STATES, [False, True])))
def test_each_predicate_agrees_with_its_filter(shaped, state, overdue):
    contract, now = shaped(*state, overdue=overdue)
    assert rules.awaits_answer(contract, now) == matches(contract, rules.awaits_answer_q(now))
    assert rules.is_open(contract, now) == matches(contract, rules.open_q(now))
    assert rules.holds_active(contract) == matches(contract, rules.active_q())
    assert rules.can_reinvite(contract, now) == matches(contract, rules.reinvitable_q(now))
    assert rules.can_operator_void(contract) == matches(contract, rules.operator_voidable_q())
    assert rules.can_operator_expire(contract) == matches(contract, rules.operator_expirable_q())
    for status in S:
        assert (rules.effective_status(contract, now) == status) == matches(contract, rules.status_q(status, now))
    for tab, statuses in rules.TAB_STATUSES.items():
        if tab in (rules.EmployerTab.FAVORITES, rules.EmployerTab.TERMINATION_FAILED):
            continue
        assert (rules.effective_status(contract, now) in statuses) == matches(contract, rules.tab_q(tab, now))
    failed = contract.status == S.SIGNED and contract.termination_stage == TerminationStage.FAILED
    assert failed == matches(contract, rules.tab_q(rules.EmployerTab.TERMINATION_FAILED, now))


def test_an_overdue_invitation_counts_as_expired_before_the_job_runs(shaped):
    contract, now = shaped(S.INVITED, overdue=True)
    assert contract.status == S.INVITED
    assert rules.effective_status(contract, now) == S.EXPIRED
    assert not rules.can_withdraw(contract, now) and not rules.is_open(contract, now)
    assert rules.can_reinvite(contract, now)
    assert not rules.can_accept(contract, now, holds_other_active=False)


@pytest.mark.parametrize(("state", "two_level"), list(itertools.product(STATES, [True, False])))
def test_review_step_agrees_with_the_queue(cast, shaped, state, two_level):
    contract, _now = shaped(*state, two_level=two_level)
    reviewers = [cast.college_reviewer, cast.school_reviewer, cast.other_college_reviewer, cast.other_school_reviewer]
    for user in reviewers:
        reviewer = user.reviewer
        assert (rules.review_step(reviewer, contract) is not None) == matches(contract, rules.review_queue_q(reviewer))
        assert rules.covers(reviewer, contract) == matches(contract, rules.scope_q(reviewer))


def test_an_inactive_reviewer_has_no_step(cast, shaped):
    contract, _now = shaped(S.ACCEPTED)
    reviewer = CollegeReviewerFactory(college=cast.college, is_active=False)
    assert rules.review_step(reviewer, contract) is None
    school_reviewer = SchoolReviewerFactory(school=cast.school, is_active=False)
    assert not rules.reviews_terminations(school_reviewer)
