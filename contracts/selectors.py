"""Every list and detail query of contracts: the employer's tabs, the student's pages, the reviewers' queues."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from schools.models import Reviewer

from .models import (
    ACTIVE_STATES,
    Contract,
    ContractEvent,
    ContractStatus,
    Favorite,
    TerminationRequest,
    TerminationStage,
    TerminationStatus,
)

S = ContractStatus


@dataclass(frozen=True)
class Tab:
    key: str
    label: str
    explanation: str
    statuses: tuple[ContractStatus, ...]  # the 最新状态 filter's choices


# The tabs of 签约解约, in the seed's order, with the seed's explanation lines.
FAVORITES = "favorites"
EMPLOYER_TABS = [
    Tab(FAVORITES, "学生收藏夹", "本页为您通过“添加学生”加入收藏夹的学生，可向其发送签约邀请函。加入收藏夹后信息不可变更。", ()),
    Tab(
        "signing", "签约中",
        "本页包括您已经发出邀请正在等待对方应约、学生已应约提交学校（学院）审核中的记录，学校审核通过后的记录将进入“已签约”菜单，"
        "学生拒绝/超时/学校审核不通过的记录将进入“签约失败”菜单。",
        (S.INVITED, S.ACCEPTED, S.COLLEGE_APPROVED),
    ),
    Tab("signed", "已签约", "本页为学校审核通过、已完成签约的记录。", (S.SIGNED,)),
    Tab(
        "failed", "签约失败",
        "本页记录均为签约失败的情况，可能包括学生拒绝签约、学生逾期未回应、学校/学院审核不通过。您可再次发起邀请。",
        (S.REFUSED, S.EXPIRED, S.REJECTED),
    ),
    Tab("terminating", "解约中", "本页为已提出解约申请、等待对方确认或学校审核的记录。", (S.TERMINATING,)),
    Tab("terminated", "已解约", "本页为解约已完成的记录。", (S.TERMINATED,)),
    Tab("termination_failed", "解约失败", "本页为解约申请未获同意或学校审核不通过的记录，原协议继续有效。", (S.SIGNED,)),
    Tab(
        "void", "失效",
        "本页为单位已撤回，或因学生已与其他单位签约、毕业年度关闭而失效的邀请。您可再次发起邀请。",
        (S.WITHDRAWN, S.VOIDED),
    ),
]
TABS_BY_KEY = {tab.key: tab for tab in EMPLOYER_TABS}


def status_q(status: str, now: datetime) -> Q:
    """Rows whose 最新状态 is `status` as users see it: an invitation past its deadline counts as expired."""
    if status == S.INVITED:
        return Q(status=S.INVITED, deadline__gt=now)
    if status == S.EXPIRED:
        return Q(status=S.EXPIRED) | Q(status=S.INVITED, deadline__lte=now)
    return Q(status=status)


def tab_q(key: str, now: datetime) -> Q:
    if key == "termination_failed":
        # Signed contracts whose latest termination request failed (a new request clears the mark).
        return Q(status=S.SIGNED, termination_stage=TerminationStage.FAILED)
    condition = Q(pk__in=[])
    for status in TABS_BY_KEY[key].statuses:
        condition |= status_q(status, now)
    return condition


@dataclass(frozen=True)
class ListFilters:
    """年份 / 最新状态 / 学生姓名 / 证件号码 (the last as the keyed hash; the number itself never travels in a URL)."""

    year: int | None = None
    status: str = ""
    name: str = ""
    id_hash: str = ""


def _filtered(queryset: QuerySet, filters: ListFilters, now: datetime) -> QuerySet:
    if filters.year:
        queryset = queryset.filter(graduation_year=filters.year)
    if filters.name:
        queryset = queryset.filter(graduate__name__contains=filters.name)
    if filters.id_hash:
        queryset = queryset.filter(graduate__id_hash=filters.id_hash)
    if filters.status:
        queryset = queryset.filter(status_q(filters.status, now))
    return queryset


def contracts_for_employer(*, unit, tab: str, filters: ListFilters = ListFilters(), now=None) -> QuerySet:
    """The contracts of one 签约解约 tab of a unit, newest activity first."""
    now = now or timezone.now()
    queryset = Contract.objects.filter(unit=unit).filter(tab_q(tab, now))
    return (
        _filtered(queryset, filters, now)
        .select_related("graduate", "school", "job_category")
        .order_by("-last_event_at", "-pk")
    )


def favorites_for_employer(*, unit, filters: ListFilters = ListFilters()) -> QuerySet:
    """The unit's 学生收藏夹, each row annotated with whether an invitation or agreement with that student is open."""
    open_contract = Contract.objects.filter(
        unit_id=OuterRef("unit_id"), graduate_id=OuterRef("graduate_id"),
        status__in=[S.INVITED, *ACTIVE_STATES],
    ).exclude(status=S.INVITED, deadline__lte=timezone.now())
    queryset = Favorite.objects.filter(unit=unit)
    if filters.year:
        queryset = queryset.filter(graduate__graduation_year=filters.year)
    if filters.name:
        queryset = queryset.filter(graduate__name__contains=filters.name)
    if filters.id_hash:
        queryset = queryset.filter(graduate__id_hash=filters.id_hash)
    return (
        queryset.annotate(has_open_contract=Exists(open_contract))
        .select_related("graduate", "graduate__school")
        .order_by("-created_at", "-pk")
    )


def employer_tab_counts(*, unit, now=None) -> dict[str, int]:
    """How many rows each tab holds, in two queries."""
    now = now or timezone.now()
    counts = Contract.objects.filter(unit=unit).aggregate(
        **{tab.key: Count("pk", filter=tab_q(tab.key, now)) for tab in EMPLOYER_TABS if tab.key != FAVORITES}
    )
    counts[FAVORITES] = Favorite.objects.filter(unit=unit).count()
    return counts


def expiring_invitations(*, unit, within=timedelta(hours=24), now=None) -> QuerySet:
    now = now or timezone.now()
    return (
        Contract.objects.filter(unit=unit, status=S.INVITED, deadline__gt=now, deadline__lte=now + within)
        .select_related("graduate", "school")
        .order_by("deadline")
    )


def latest_events_for_unit(*, unit, limit: int = 10) -> QuerySet:
    return (
        ContractEvent.objects.filter(contract__unit=unit)
        .select_related("contract__graduate", "actor")
        .order_by("-created_at", "-pk")[:limit]
    )


# ---------------------------------------------------------------------------------------------- fetch and authorise


def contract_for_employer(*, unit, pk: int) -> Contract:
    """A contract of this unit, with what the detail view shows; 404 for any other."""
    if unit is None:
        raise Http404
    return _detail(Contract.objects.filter(unit=unit), pk)


def contract_for_student(*, user, pk: int) -> Contract:
    return _detail(Contract.objects.filter(graduate__user=user), pk)


def contracts_in_reviewer_scope(reviewer: Reviewer) -> QuerySet:
    if reviewer.college_id is not None:
        return Contract.objects.filter(college_id=reviewer.college_id)
    return Contract.objects.filter(school_id=reviewer.school_id)


def contract_for_reviewer(*, reviewer: Reviewer, pk: int) -> Contract:
    return _detail(contracts_in_reviewer_scope(reviewer), pk)


def favorite_for_employer(*, unit, pk: int) -> Favorite:
    favorite = Favorite.objects.filter(unit=unit, pk=pk).select_related("graduate", "graduate__school").first() if unit else None
    if favorite is None:
        raise Http404
    return favorite


def _with_history(queryset: QuerySet) -> QuerySet:
    """Prefetch the events and the termination requests (newest first) that 查看详情 and 我的签约 show."""
    return queryset.prefetch_related(
        Prefetch("events", queryset=ContractEvent.objects.select_related("actor")),
        Prefetch("termination_requests", queryset=TerminationRequest.objects.order_by("-created_at", "-pk")),
    )


def _detail(queryset: QuerySet, pk: int) -> Contract:
    contract = (
        _with_history(queryset.select_related("unit", "graduate", "school", "college", "job_category"))
        .filter(pk=pk)
        .first()
    )
    if contract is None:
        raise Http404
    return contract


# ---------------------------------------------------------------------------------------------- the student


def invitations_for_student(*, graduate) -> QuerySet:
    """我的邀请: every invitation the student received, open ones first, then by newest activity."""
    return (
        Contract.objects.filter(graduate=graduate)
        .select_related("unit", "job_category")
        .order_by("-last_event_at", "-pk")
    )


def current_contract_for_student(*, graduate) -> Contract | None:
    """我的签约: the contract under review or in force, if any."""
    return _with_history(
        Contract.objects.filter(graduate=graduate, status__in=ACTIVE_STATES).select_related(
            "unit", "job_category", "school", "college"
        )
    ).first()


# ---------------------------------------------------------------------------------------------- reviewers


def review_queue(*, reviewer: Reviewer, filters: ListFilters = ListFilters()) -> QuerySet:
    """待审核: what waits for this reviewer's level — the college's after acceptance, the school's after that."""
    if reviewer.college_id is not None:
        queryset = Contract.objects.filter(college_id=reviewer.college_id, status=S.ACCEPTED, two_level_review=True)
    else:
        queryset = Contract.objects.filter(school_id=reviewer.school_id).filter(
            Q(status=S.COLLEGE_APPROVED) | Q(status=S.ACCEPTED, two_level_review=False)
        )
    return (
        _filtered(queryset, filters, timezone.now())
        .select_related("unit", "graduate", "college", "job_category")
        .order_by("accepted_at", "pk")
    )


REVIEW_ACTIONS = (ContractEvent.Action.COLLEGE_APPROVE, ContractEvent.Action.SCHOOL_APPROVE, ContractEvent.Action.REJECT)


def review_history(*, reviewer: Reviewer, filters: ListFilters = ListFilters()) -> QuerySet:
    """已审核: the review decisions taken at this reviewer's level and scope, newest first."""
    scope = Q(contract__college_id=reviewer.college_id) if reviewer.college_id else Q(contract__school_id=reviewer.school_id)
    same_level = Q(actor__reviewer__college__isnull=reviewer.college_id is None)
    queryset = _filtered_through_contract(
        ContractEvent.objects.filter(scope, same_level, action__in=REVIEW_ACTIONS), filters
    )
    return queryset.select_related("actor", "contract__unit", "contract__graduate", "contract__college").order_by(
        "-created_at", "-pk"
    )


# ---------------------------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # "done", "current", "failed" or "todo"
    at: datetime | None = None


def progress_steps(contract: Contract, now=None) -> list[Step]:
    """单位已发起邀请 → 等待学生应约 → 学校(学院)审核 → 签约完成, each with its time and state."""
    now = now or timezone.now()
    status = S.EXPIRED if contract.is_overdue(now) else contract.status
    signed_like = status in (S.SIGNED, S.TERMINATING, S.TERMINATED)
    answered = contract.accepted_at is not None
    if answered:
        answer = Step("等待学生应约", "done", contract.accepted_at)
    elif status == S.INVITED:
        answer = Step("等待学生应约", "current")
    else:
        answer = Step("等待学生应约", "failed", contract.closed_at)
    if signed_like:
        review = Step("学校(学院)审核", "done", contract.signed_at)
    elif status in (S.ACCEPTED, S.COLLEGE_APPROVED):
        review = Step("学校(学院)审核", "current", contract.college_approved_at)
    elif status == S.REJECTED:
        review = Step("学校(学院)审核", "failed", contract.closed_at)
    else:
        review = Step("学校(学院)审核", "todo")
    done = Step("签约完成", "done", contract.signed_at) if signed_like else Step("签约完成", "todo")
    return [Step("单位已发起邀请", "done", contract.created_at), answer, review, done]


def latest_termination(contract: Contract) -> TerminationRequest | None:
    """The contract's newest termination request (from the prefetch of the detail selectors when there is one)."""
    return next(iter(contract.termination_requests.all()), None)


def termination_steps(contract: Contract, now=None) -> list[Step]:
    """申请解约 → 对方确认 → 学校审核 → 解约完成 for the latest request; [] when there has been none."""
    request = latest_termination(contract)
    if request is None:
        return []
    T = TerminationStatus
    status = T.EXPIRED if request.is_overdue(now) else request.status
    if status == T.PENDING:
        answer = Step("对方确认", "current")
    elif status == T.DISAGREED:
        answer = Step("对方确认", "failed", request.answered_at)
    elif status == T.EXPIRED:
        answer = Step("对方确认", "failed", request.counterpart_deadline)
    else:
        answer = Step("对方确认", "done", request.answered_at)
    if status == T.AGREED:
        review = Step("学校审核", "current")
    elif status == T.APPROVED:
        review = Step("学校审核", "done", request.reviewed_at)
    elif status == T.REJECTED:
        review = Step("学校审核", "failed", request.reviewed_at)
    else:
        review = Step("学校审核", "todo")
    done = Step("解约完成", "done", request.reviewed_at) if status == T.APPROVED else Step("解约完成", "todo")
    return [Step("申请解约", "done", request.created_at), answer, review, done]


# ---------------------------------------------------------------------------------------------- 解约审核 (school)


def termination_queue(*, reviewer: Reviewer, filters: ListFilters = ListFilters()) -> QuerySet:
    """解约审核: agreed termination requests of this reviewer's school, oldest agreement first; none for a college."""
    if reviewer.college_id is not None:
        return TerminationRequest.objects.none()
    queryset = TerminationRequest.objects.filter(contract__school_id=reviewer.school_id, status=TerminationStatus.AGREED)
    return (
        _filtered_through_contract(queryset, filters)
        .select_related("contract__unit", "contract__graduate", "contract__college")
        .order_by("answered_at", "pk")
    )


def termination_history(*, reviewer: Reviewer, filters: ListFilters = ListFilters()) -> QuerySet:
    """已审核的解约申请 of this reviewer's school, newest decision first."""
    if reviewer.college_id is not None:
        return TerminationRequest.objects.none()
    queryset = TerminationRequest.objects.filter(
        contract__school_id=reviewer.school_id, status__in=[TerminationStatus.APPROVED, TerminationStatus.REJECTED]
    )
    return (
        _filtered_through_contract(queryset, filters)
        .select_related("contract__unit", "contract__graduate", "contract__college", "reviewed_by")
        .order_by("-reviewed_at", "-pk")
    )


def _filtered_through_contract(queryset: QuerySet, filters: ListFilters) -> QuerySet:
    """年份 / 学生姓名 / 证件号码 on rows that belong to a contract (events, termination requests)."""
    if filters.year:
        queryset = queryset.filter(contract__graduation_year=filters.year)
    if filters.name:
        queryset = queryset.filter(contract__graduate__name__contains=filters.name)
    if filters.id_hash:
        queryset = queryset.filter(contract__graduate__id_hash=filters.id_hash)
    return queryset


def termination_request_for(*, contract: Contract, pk: int) -> TerminationRequest:
    """A request of a contract the caller has already fetched for this user; 404 for any other."""
    request = TerminationRequest.objects.filter(contract=contract, pk=pk).first()
    if request is None:
        raise Http404
    return request


def workbench_summary(*, unit) -> dict:
    """工作台: counts per tab, invitations expiring within a day, the latest events."""
    counts = employer_tab_counts(unit=unit)
    return {
        "tabs": [(tab, counts[tab.key]) for tab in EMPLOYER_TABS],
        "expiring": list(expiring_invitations(unit=unit)),
        "latest_events": list(latest_events_for_unit(unit=unit)),
    }
