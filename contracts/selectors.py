"""Every list and detail query of contracts: the employer's tabs, the student's pages, the reviewers' queues.

Fetch-and-authorise selectors raise signing_platform.errors.NotFound for a record that is not this user's.
"""

from dataclasses import dataclass, replace
from datetime import timedelta

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery
from django.utils import timezone

from schools.models import Reviewer
from signing_platform.errors import NotFound

from . import counters, rules
from .models import Contract, ContractEvent, Favorite, TerminationRequest, TerminationStatus
from .presentation import EMPLOYER_TABS, workbench_rows
from .rules import EmployerTab


@dataclass(frozen=True)
class ListFilters:
    """年份 / 最新状态 / 学生姓名 / 证件号码 (the last as the keyed hash; the number itself never travels in a URL)."""

    year: int | None = None
    status: str = ""
    name: str = ""
    id_hash: str = ""


def _filtered(queryset: QuerySet, filters: ListFilters, now, prefix: str = "") -> QuerySet:
    """Apply the filters to rows of Contract, or of a model whose contract is reached through `prefix`.
    学生姓名 matches from the first character (a surname or the whole name): an index range, not a scan."""
    if filters.year:
        queryset = queryset.filter(**{f"{prefix}graduation_year": filters.year})
    if filters.name:
        queryset = queryset.filter(**{f"{prefix}student_name__startswith": filters.name})
    if filters.id_hash:
        queryset = queryset.filter(**{f"{prefix}graduate__id_hash": filters.id_hash})
    if filters.status and not prefix:
        queryset = queryset.filter(rules.status_q(filters.status, now))
    return queryset


def _open_termination_requester() -> Subquery:
    return Subquery(
        TerminationRequest.objects.filter(contract_id=OuterRef("pk"), status=TerminationStatus.PENDING).values(
            "requester_side"
        )[:1]
    )


# The columns a list row reads (its 最新状态 included); loading only these keeps a page's rows cheap.
ROW_FIELDS = (
    "unit_id", "graduate_id", "status", "deadline", "two_level_review", "review_note", "termination_stage",
    "termination_note", "last_event_at", "graduate__name", "graduate__id_masked", "graduate__education_level",
    "graduate__major", "school__name",
)


def _employer_rows(queryset: QuerySet, tab: EmployerTab) -> QuerySet:
    """What a 签约解约 row shows: the student, the school, whether the student is still in the unit's favorites
    (再次发起签约 starts there), who asked for an open termination."""
    queryset = queryset.select_related("graduate", "school").only(*ROW_FIELDS)
    if tab in (EmployerTab.FAILED, EmployerTab.VOID):
        queryset = queryset.annotate(
            in_favorites=Exists(Favorite.objects.filter(unit_id=OuterRef("unit_id"), graduate_id=OuterRef("graduate_id")))
        )
    if tab == EmployerTab.TERMINATING:
        queryset = queryset.annotate(termination_requester=_open_termination_requester())
    return queryset


def contracts_for_employer(*, unit, tab: EmployerTab, filters: ListFilters = ListFilters(), now=None) -> QuerySet:
    """The contracts of one 签约解约 tab of a unit, newest activity first."""
    now = now or timezone.now()
    queryset = Contract.objects.filter(rules.tab_q(tab, now), unit=unit)
    if filters.name:
        queryset = _named(queryset, Contract, unit, filters.name)
    queryset = _filtered(queryset, replace(filters, name=""), now)
    return _employer_rows(queryset, tab).order_by("-last_event_at", "-pk")


# A row of 导出Excel also shows the post and the 签约联系人.
EXPORT_FIELDS = (*ROW_FIELDS, "post_name", "contact_name")


def employer_export_rows(*, unit, tab: EmployerTab, filters: ListFilters = ListFilters(), now=None) -> QuerySet:
    """A 签约解约 tab for 导出Excel: the rows of its pages in their order (the same selectors), with the post and the
    签约联系人 too."""
    now = now or timezone.now()
    if tab == EmployerTab.FAVORITES:
        return favorites_for_employer(unit=unit, filters=filters, now=now)
    return contracts_for_employer(unit=unit, tab=tab, filters=filters, now=now).only(*EXPORT_FIELDS)


NAME_CANDIDATES = 2000


def _named(queryset: QuerySet, model, unit, name: str) -> QuerySet:
    """Rows of one unit whose 学生姓名 starts with `name`. A whole name matches a few rows: they are picked from the
    (unit, student_name) index first, because PostgreSQL would otherwise walk the list's index in display order
    hoping to meet them early (135 ms at 1,000,000 contracts); a bare surname matches many, and that walk is then
    the quick way."""
    queryset = queryset.filter(student_name__startswith=name)
    candidates = list(
        model.objects.filter(unit=unit, student_name__startswith=name).values_list("pk", flat=True)[:NAME_CANDIDATES + 1]
    )
    return queryset.filter(pk__in=candidates) if len(candidates) <= NAME_CANDIDATES else queryset


@dataclass(frozen=True)
class EmployerPage:
    """A tab's page in two queries (a deferred join): `keys` selects the page's keys from the tab's index in display
    order, `load(keys)` fetches those rows; `count` is known from the counters when no filter narrows the tab."""

    keys: QuerySet
    load: object
    count: int | None


def employer_page(*, unit, tab: EmployerTab, filters: ListFilters, counts: dict[str, int], now) -> EmployerPage:
    """The rows of a 签约解约 tab, for `signing_platform.web.paginate(…, count=…, load=…)`."""
    count = counts[tab] if filters == ListFilters() else None
    if tab == EmployerTab.FAVORITES:
        def load_favorites(ids) -> list[Favorite]:
            rows = {row.pk: row for row in _favorite_rows(Favorite.objects.filter(pk__in=ids), now)}
            return [rows[pk] for pk in ids if pk in rows]

        return EmployerPage(keys=_favorites(unit, filters).values_list("pk", flat=True), load=load_favorites, count=count)
    keys = contracts_for_employer(unit=unit, tab=tab, filters=filters, now=now).values_list("pk", flat=True)

    def load(ids) -> list[Contract]:
        rows = {row.pk: row for row in _employer_rows(Contract.objects.filter(pk__in=ids), tab)}
        return [rows[pk] for pk in ids if pk in rows]

    return EmployerPage(keys=keys, load=load, count=count)


def _favorites(unit, filters: ListFilters) -> QuerySet:
    queryset = Favorite.objects.filter(unit=unit)
    if filters.year:
        queryset = queryset.filter(graduate__graduation_year=filters.year)
    if filters.name:
        queryset = _named(queryset, Favorite, unit, filters.name)
    if filters.id_hash:
        queryset = queryset.filter(graduate__id_hash=filters.id_hash)
    return queryset.order_by("-created_at", "-pk")


def _favorite_rows(queryset: QuerySet, now) -> QuerySet:
    return (
        queryset.annotate(has_open_contract=rules.favorite_open_contract(now))
        .select_related("graduate", "graduate__school")
        .only("unit_id", "graduate_id", "created_at", "graduate__name", "graduate__id_masked",
              "graduate__education_level", "graduate__major", "graduate__school__name")
    )


def favorites_for_employer(*, unit, filters: ListFilters = ListFilters(), now=None) -> QuerySet:
    """The unit's 学生收藏夹, each row annotated with whether an invitation or agreement with that student is open."""
    return _favorite_rows(_favorites(unit, filters), now or timezone.now())


def employer_tab_counts(*, unit, now=None) -> dict[str, int]:
    """How many rows each tab holds (from the counters, corrected for the deadline rule)."""
    return counters.tab_counts(unit.pk, now or timezone.now())


WORKBENCH_LIMIT = 10


def expiring_invitations(*, unit, within=timedelta(hours=24), now=None, limit: int = WORKBENCH_LIMIT) -> list[Contract]:
    """The first `limit` invitations (by deadline) that lapse within `within`."""
    now = now or timezone.now()
    return list(
        Contract.objects.filter(unit=unit, status=rules.S.INVITED, deadline__gt=now, deadline__lte=now + within)
        .select_related("graduate", "school")
        .only("post_name", "deadline", "graduate__name", "school__name")
        .order_by("deadline", "pk")[:limit]
    )


def latest_events_for_unit(*, unit, limit: int = WORKBENCH_LIMIT) -> QuerySet:
    return (
        ContractEvent.objects.filter(unit=unit)
        .select_related("contract__graduate")
        .only("contract_id", "action", "note", "created_at", "contract__graduate__name")
        .order_by("-created_at", "-pk")[:limit]
    )


def _of_year(queryset: QuerySet, school_id: int | None, year: int) -> QuerySet:
    queryset = queryset.filter(graduation_year=year)
    return queryset.filter(school_id=school_id) if school_id is not None else queryset


def invitations_of_year(*, school_id: int | None, year: int) -> QuerySet:
    """The invitations (stored INVITED, overdue ones included) of graduates of `year`, of one school or of all."""
    return _of_year(Contract.objects.filter(status=rules.S.INVITED), school_id, year)


def under_review_of_year(*, school_id: int | None, year: int) -> QuerySet:
    """The agreements of graduates of `year` accepted and waiting for a review, of one school or of all."""
    return _of_year(Contract.objects.filter(status__in=[rules.S.ACCEPTED, rules.S.COLLEGE_APPROVED]), school_id, year)


# ---------------------------------------------------------------------------------------------- fetch and authorise


def contract_for_employer(*, unit, pk: int) -> Contract:
    """A contract of this unit, with what the detail view shows."""
    if unit is None:
        raise NotFound
    return _detail(Contract.objects.filter(unit=unit), pk)


def contract_for_student(*, user, pk: int) -> Contract:
    return _detail(Contract.objects.filter(graduate__user=user), pk)


def contracts_in_reviewer_scope(reviewer: Reviewer) -> QuerySet:
    return Contract.objects.filter(rules.scope_q(reviewer))


def contract_for_reviewer(*, reviewer: Reviewer, pk: int) -> Contract:
    return _detail(contracts_in_reviewer_scope(reviewer), pk)


def favorite_for_employer(*, unit, pk: int) -> Favorite:
    favorite = Favorite.objects.filter(unit=unit, pk=pk).select_related("graduate", "graduate__school").first() if unit else None
    if favorite is None:
        raise NotFound
    return favorite


def favorite_of_contract(contract: Contract) -> Favorite | None:
    """The favorite a 再次发起签约 of this record starts from (None once the student was removed from it)."""
    return Favorite.objects.filter(unit_id=contract.unit_id, graduate_id=contract.graduate_id).select_related(
        "graduate", "graduate__school"
    ).first()


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
        raise NotFound
    return contract


def latest_termination(contract: Contract) -> TerminationRequest | None:
    """The contract's newest termination request (from the prefetch of the detail selectors when there is one)."""
    return next(iter(contract.termination_requests.all()), None)


# ---------------------------------------------------------------------------------------------- the student


def invitations_for_student(*, graduate) -> QuerySet:
    """我的邀请: every invitation the student received, newest activity first."""
    return (
        Contract.objects.filter(graduate=graduate)
        .select_related("unit", "job_category")
        .order_by("-last_event_at", "-pk")
    )


def current_contract_for_student(*, graduate) -> Contract | None:
    """我的签约: the contract under review or in force, if any."""
    return _with_history(
        Contract.objects.filter(rules.active_q(), graduate=graduate).select_related(
            "unit", "job_category", "school", "college"
        )
    ).first()


def student_holds_active(*, graduate) -> bool:
    """Whether the graduate (or graduate id) holds a contract under review or in force."""
    return Contract.objects.filter(rules.active_q(), graduate=graduate).exists()


# ---------------------------------------------------------------------------------------------- reviewers


def review_queue(*, reviewer: Reviewer, filters: ListFilters = ListFilters()) -> QuerySet:
    """待审核: what waits for this reviewer's level — the college's after acceptance, the school's after that."""
    return (
        _filtered(Contract.objects.filter(rules.review_queue_q(reviewer)), filters, timezone.now())
        .select_related("unit", "graduate", "college")
        .only("post_name", "accepted_at", "unit__name", "college__name", "graduate__name", "graduate__id_masked",
              "graduate__major", "graduate__education_level")
        .order_by("accepted_at", "pk")
    )


REVIEW_ACTIONS = (ContractEvent.Action.COLLEGE_APPROVE, ContractEvent.Action.SCHOOL_APPROVE, ContractEvent.Action.REJECT)


def review_history(*, reviewer: Reviewer, filters: ListFilters = ListFilters()) -> QuerySet:
    """已审核: the review decisions taken at this reviewer's level and scope, newest first."""
    same_level = {"actor__reviewer__college__isnull": reviewer.college_id is None}
    queryset = ContractEvent.objects.filter(rules.scope_q(reviewer, "contract__"), action__in=REVIEW_ACTIONS, **same_level)
    return (
        _filtered(queryset, filters, None, prefix="contract__")
        .select_related("actor", "contract__unit", "contract__graduate", "contract__college")
        .order_by("-created_at", "-pk")
    )


def termination_queue(*, reviewer: Reviewer, filters: ListFilters = ListFilters()) -> QuerySet:
    """解约审核: agreed termination requests of this reviewer's school, oldest agreement first; none for a college."""
    if not rules.reviews_terminations(reviewer):
        return TerminationRequest.objects.none()
    queryset = TerminationRequest.objects.filter(school_id=reviewer.school_id, status=TerminationStatus.AGREED)
    return (
        _filtered(queryset, filters, None, prefix="contract__")
        .select_related("contract__unit", "contract__graduate", "contract__college")
        .order_by("answered_at", "pk")
    )


def termination_history(*, reviewer: Reviewer, filters: ListFilters = ListFilters()) -> QuerySet:
    """已审核的解约申请 of this reviewer's school, newest decision first."""
    if not rules.reviews_terminations(reviewer):
        return TerminationRequest.objects.none()
    queryset = TerminationRequest.objects.filter(
        contract__school_id=reviewer.school_id, status__in=[TerminationStatus.APPROVED, TerminationStatus.REJECTED]
    )
    return (
        _filtered(queryset, filters, None, prefix="contract__")
        .select_related("contract__unit", "contract__graduate", "contract__college", "reviewed_by")
        .order_by("-reviewed_at", "-pk")
    )


def termination_request_for(*, contract: Contract, pk: int) -> TerminationRequest:
    """A request of a contract the caller has already fetched for this user."""
    request = TerminationRequest.objects.filter(contract=contract, pk=pk).first()
    if request is None:
        raise NotFound
    return request


def workbench_summary(*, unit) -> dict:
    """工作台: counts per tab, invitations expiring within a day, the latest events."""
    now = timezone.now()
    counts = employer_tab_counts(unit=unit, now=now)
    return {
        "tabs": [(tab, counts[tab.key]) for tab in EMPLOYER_TABS],
        **workbench_rows(expiring_invitations(unit=unit, now=now), latest_events_for_unit(unit=unit), now),
    }
