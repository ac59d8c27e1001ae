"""Reads of 毕业去向: the graduate's own, the reviewers' queues, and the public checks of destinations and agreements.

Fetch-and-authorise selectors raise signing_platform.errors.NotFound for a record that is not this user's.
"""

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from contracts.models import Contract
from contracts.rules import AGREEMENT_STATES, active_q, scope_q
from schools.models import Reviewer
from signing_platform.errors import NotFound

from . import rules
from .models import (
    VERIFIABLE_STATES,
    Destination,
    DestinationCode,
    DestinationEvent,
    DestinationRecord,
    RecordStatus,
)

# What a record's page shows of it, in one query with the record.
RECORD_RELATED = ("code", "unit_nature", "industry", "region__parent", "job_category", "contract")


# ---------------------------------------------------------------------------------------------- the graduate


def destination_of(graduate) -> Destination:
    """The graduate's Destination with its record in force and its open request (an unsaved 未落实 one if none)."""
    destination = (
        Destination.objects.filter(graduate=graduate)
        .select_related(*(f"record__{name}" for name in RECORD_RELATED), *(f"request__{name}" for name in RECORD_RELATED))
        .first()
    )
    return destination or Destination(graduate=graduate)


def history_of(graduate, *, limit: int = 50) -> list[DestinationEvent]:
    """The graduate's destination events, newest first."""
    return list(
        DestinationEvent.objects.filter(graduate=graduate).select_related("actor", "record__code")
        .order_by("-created_at", "-pk")[:limit]
    )


def blocking_destination(*, graduate_id: int) -> DestinationRecord | None:
    """The registered destination that stands in the way of 应约 (students.rules.blocks_signing), if any."""
    return (
        DestinationRecord.objects.filter(rules.blocks_signing_q(), graduate_id=graduate_id)
        .select_related("code").order_by("-submitted_at").first()
    )


def holds_active_contract(graduate) -> bool:
    """An agreement under review or in force (its code 10 comes from the signing: no registration meanwhile)."""
    return Contract.objects.filter(active_q(), graduate=graduate).exists()


def record_for_student(*, user, pk: int) -> DestinationRecord:
    record = DestinationRecord.objects.filter(graduate__user=user, pk=pk).select_related(*RECORD_RELATED).first()
    if record is None:
        raise NotFound
    return record


def registrable_codes() -> QuerySet[DestinationCode]:
    return DestinationCode.objects.filter(is_active=True).order_by("sort_order", "pk")


# ---------------------------------------------------------------------------------------------- reviewers


@dataclass(frozen=True)
class DestinationFilters:
    """院系 / 专业 / 去向类别 / 状态 / 姓名 / 证件号码 (the last as its keyed hash) and 年份."""

    year: int | None = None
    college_id: int | None = None
    major: str = ""
    category: str = ""
    status: str = ""
    name: str = ""
    id_hash: str = ""


def _filtered(queryset: QuerySet, filters: DestinationFilters, prefix: str = "") -> QuerySet:
    """Apply the filters to rows of DestinationRecord, or of a model whose record is reached through `prefix`."""
    conditions = {
        "graduation_year": filters.year,
        "college_id": filters.college_id,
        "graduate__major__contains": filters.major,
        "code__category": filters.category,
        "status": filters.status,
        "graduate__name__contains": filters.name,
        "graduate__id_hash": filters.id_hash,
    }
    return queryset.filter(**{f"{prefix}{key}": value for key, value in conditions.items() if value})


def records_in_reviewer_scope(reviewer: Reviewer) -> QuerySet[DestinationRecord]:
    return DestinationRecord.objects.filter(scope_q(reviewer))


def review_queue(*, reviewer: Reviewer, filters: DestinationFilters = DestinationFilters()) -> QuerySet:
    """毕业去向审核: what waits for this reviewer's level, oldest registration first."""
    return (
        _filtered(DestinationRecord.objects.filter(rules.review_queue_q(reviewer)), filters)
        .select_related("graduate", "college", "code")
        .order_by("submitted_at", "pk")
    )


REVIEW_ACTIONS = (
    DestinationEvent.Action.COLLEGE_APPROVE, DestinationEvent.Action.SCHOOL_APPROVE, DestinationEvent.Action.RETURN,
)


def review_history(*, reviewer: Reviewer, filters: DestinationFilters = DestinationFilters()) -> QuerySet:
    """已审核: the decisions taken at this reviewer's level and scope, newest first (状态 filters the record's state
    now)."""
    same_level = {"actor__reviewer__college__isnull": reviewer.college_id is None}
    queryset = DestinationEvent.objects.filter(scope_q(reviewer, "record__"), action__in=REVIEW_ACTIONS, **same_level)
    return (
        _filtered(queryset, filters, prefix="record__")
        .select_related("actor", "record__graduate", "record__college", "record__code")
        .order_by("-created_at", "-pk")
    )


def record_for_reviewer(*, reviewer: Reviewer, pk: int) -> DestinationRecord:
    """A record within the reviewer's college or school, with its events."""
    record = (
        records_in_reviewer_scope(reviewer).filter(pk=pk)
        .select_related("graduate", "college", "school", *RECORD_RELATED)
        .prefetch_related(Prefetch("events", queryset=DestinationEvent.objects.select_related("actor")))
        .first()
    )
    if record is None:
        raise NotFound
    return record


def in_force_of(graduate_id: int) -> DestinationRecord | None:
    """The record in force for a graduate (a reviewer sees it beside a change that is under review)."""
    return (
        DestinationRecord.objects.filter(graduate_id=graduate_id, status=RecordStatus.CONFIRMED)
        .select_related(*RECORD_RELATED).first()
    )


# ---------------------------------------------------------------------------------------------- public checks


def verify_destination(*, name: str, number: str) -> DestinationRecord | None:
    """The record whose 核验编号 and graduate's name both match, in one query: a wrong name and a wrong number find
    the same nothing, in the same time."""
    if not name or not number:
        return None
    return (
        DestinationRecord.objects.filter(verification_no=number, graduate__name=name, status__in=VERIFIABLE_STATES)
        .select_related("graduate", "school", "code")
        .first()
    )


def verify_agreement(*, agreement_no: str, code: str) -> Contract | None:
    """The agreement whose 协议书编号 and 验证码 both match (signed, in termination or terminated)."""
    if not agreement_no or not code:
        return None
    return (
        Contract.objects.filter(agreement_no=agreement_no, verification_code=code, status__in=AGREEMENT_STATES)
        .select_related("unit", "graduate", "school", "job_category")
        .first()
    )

