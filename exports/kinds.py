"""What each 导出Excel exports: the list's own selector (the one its page uses), its filters, its columns.

KINDS is the registry: one entry per list, under the key its page's button posts. An entry says who may export the
list and the scope their rows come from (`scope`: the user's unit or reviewer record, None for anyone else), how the
page's canonical query becomes the selector's filters (`parse`), the selector (`rows`) and the columns. Adding a list
(毕业去向审核, the statistics tables) is one more entry here; a column more is one more Column in its entry (with the
selector loading what it reads). Every export starts with 序号; the writer adds it.

A column's value is what the page prints in that column: masked ID numbers only (`id_masked`: the full number is
never read here), times as the lists show them (Asia/Shanghai, to the minute), labels in Chinese.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from contracts import presentation
from contracts import selectors as contract_selectors
from contracts.forms import ListFilterForm
from contracts.presentation import local_minute
from contracts.rules import EmployerTab
from employers.selectors import unit_for_user
from schools import selectors as school_selectors
from schools import statistics as school_statistics
from schools.forms import roster_filters_from_query, roster_query, statistics_year
from schools.models import College
from signing_platform.accounts.models import Role
from students import presentation as destination_presentation
from students import selectors as destination_selectors
from students.forms import DestinationFilterForm
from students.models import Category
from students.presentation import decorate_roster


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any, Any], Any]  # (a row of the selector, now) → the cell


@dataclass(frozen=True)
class Params:
    """A list's filters as its selector takes them, the canonical query they come from, the export's name."""

    filters: Any
    query: dict[str, str]
    title: str


@dataclass(frozen=True)
class ExportKind:
    key: str
    list_url: str  # the page's URL name: where the user goes back to
    scope: Callable[[Any], Any | None]
    parse: Callable[[Mapping[str, str]], Params | None]  # None: the filters are not valid
    rows: Callable[[Any, Any, Any], Any]  # (scope, filters, now) → the selector's queryset, in the page's order
    columns: Callable[[Any], Sequence[Column]]  # (filters) → the columns after 序号


# ---------------------------------------------------------------------------------------------- who may export


def employer_scope(user):
    """The unit of an employer whose unit is 已认证 (the 签约解约 page's own gate)."""
    if user.role != Role.EMPLOYER:
        return None
    unit = unit_for_user(user)
    return unit if unit is not None and unit.is_authenticated else None


def reviewer_scope(user):
    return school_selectors.reviewer_for_user(user)


def school_reviewer_scope(user):
    reviewer = school_selectors.reviewer_for_user(user)
    return reviewer if reviewer is not None and reviewer.is_school_reviewer else None


# ---------------------------------------------------------------------------------------------- filters


def contract_list_params(title: str, statuses=()) -> Callable[[Mapping[str, str]], Params | None]:
    """年份 · 最新状态 · 学生姓名 · 证件号码 (as idh), parsed by the lists' own form."""

    def parse(query):
        form = ListFilterForm(query, statuses=statuses)
        if not form.is_valid():
            return None
        return Params(filters=form.to_filters(), query=form.query(), title=title)

    return parse


@dataclass(frozen=True)
class TabFilters:
    tab: EmployerTab
    filters: contract_selectors.ListFilters


def employer_params(query):
    tab = presentation.tab_for(query.get("tab"))
    params = contract_list_params(f"签约解约-{tab.label}", tab.statuses)(query)
    if params is None:
        return None
    return Params(filters=TabFilters(tab.key, params.filters), query={"tab": tab.key.value, **params.query},
                  title=params.title)


def roster_params(query):
    filters = roster_filters_from_query(query)
    return Params(filters=filters, query=roster_query(filters), title="生源信息")


# ---------------------------------------------------------------------------------------------- columns


def student_columns(graduate: Callable[[Any], Any] = lambda row: row.graduate, *, name: str = "学生姓名") -> list[Column]:
    """学生姓名 and 证件号码 (masked) of the graduate `graduate(row)`."""
    return [
        Column(name, lambda row, now: graduate(row).name),
        Column("证件号码", lambda row, now: graduate(row).id_masked),
    ]


def _level(graduate) -> str:
    return graduate.get_education_level_display()


EMPLOYER_CONTRACT_COLUMNS = [
    *student_columns(),
    Column("毕业院校", lambda row, now: row.school.name),
    Column("学历层次", lambda row, now: _level(row.graduate)),
    Column("专业", lambda row, now: row.graduate.major),
    Column("最新状态", lambda row, now: presentation.employer_status_label(row, now)),
    Column("最新操作时间", lambda row, now: local_minute(row.last_event_at)),
    Column("拟录用岗位名称", lambda row, now: row.post_name),
    Column("签约联系人", lambda row, now: row.contact_name),
]
EMPLOYER_FAVORITE_COLUMNS = [
    *student_columns(),
    Column("毕业院校", lambda row, now: row.graduate.school.name),
    Column("学历层次", lambda row, now: _level(row.graduate)),
    Column("专业", lambda row, now: row.graduate.major),
    Column("加入时间", lambda row, now: local_minute(row.created_at)),
]
REVIEW_QUEUE_COLUMNS = [
    *student_columns(),
    Column("院系", lambda row, now: row.college.name),
    Column("专业", lambda row, now: row.graduate.major),
    Column("学历层次", lambda row, now: _level(row.graduate)),
    Column("邀请方", lambda row, now: row.unit.name),
    Column("拟录用岗位名称", lambda row, now: row.post_name),
    Column("应约时间", lambda row, now: local_minute(row.accepted_at)),
]
REVIEW_HISTORY_COLUMNS = [
    Column("审核时间", lambda event, now: local_minute(event.created_at)),
    *student_columns(lambda row: row.contract.graduate),
    Column("院系", lambda event, now: event.contract.college.name),
    Column("邀请方", lambda event, now: event.contract.unit.name),
    Column("审核结果", lambda event, now: event.get_action_display() + (f"：{event.note}" if event.note else "")),
    Column("审核人", lambda event, now: event.actor_label),
    Column("最新状态", lambda event, now: presentation.status_label(event.contract, now)),
]
TERMINATION_QUEUE_COLUMNS = [
    *student_columns(lambda row: row.contract.graduate),
    Column("院系", lambda row, now: row.contract.college.name),
    Column("用人单位", lambda row, now: row.contract.unit.name),
    Column("申请方", lambda row, now: row.get_requester_side_display()),
    Column("解约原因", lambda row, now: row.reason),
    Column("对方同意时间", lambda row, now: local_minute(row.answered_at)),
]
TERMINATION_HISTORY_COLUMNS = [
    Column("审核时间", lambda row, now: local_minute(row.reviewed_at)),
    *student_columns(lambda row: row.contract.graduate),
    Column("院系", lambda row, now: row.contract.college.name),
    Column("用人单位", lambda row, now: row.contract.unit.name),
    Column("解约原因", lambda row, now: row.reason),
    Column("审核结果", lambda row, now: row.get_status_display() + (f"：{row.review_note}" if row.review_note else "")),
    Column("审核人", lambda row, now: row.reviewed_by.display_name if row.reviewed_by_id else ""),
]


def _account(graduate) -> str:
    if not graduate.user_id:
        return "未开通"
    return "已确认" if graduate.confirmed_at else "已开通"


def _destination(graduate) -> str:
    """毕业去向 as the roster shows it: the code in force, if any, and the state (未落实, 待学院审核 …)."""
    decorate_roster([graduate])
    state = graduate.destination_state_label
    return f"{graduate.destination_label}（{state}）" if graduate.destination_label else state


ROSTER_COLUMNS = [
    *student_columns(lambda graduate: graduate, name="姓名"),
    Column("学号", lambda graduate, now: graduate.student_no),
    Column("院系", lambda graduate, now: graduate.college.name),
    Column("专业", lambda graduate, now: graduate.major),
    Column("学历层次", lambda graduate, now: _level(graduate)),
    Column("毕业年份", lambda graduate, now: graduate.graduation_year),
    Column("账号", lambda graduate, now: _account(graduate)),
    Column("毕业去向", lambda graduate, now: _destination(graduate)),
]


def destination_params(query):
    """毕业去向审核's filters, parsed by its own form (the rows stay within the reviewer's scope whatever 院系 says)."""
    form = DestinationFilterForm(query, colleges=College.objects.only("pk", "name"))
    if not form.is_valid():
        return None
    return Params(filters=form.to_filters(), query=form.query(), title="毕业去向审核")


DESTINATION_QUEUE_COLUMNS = [
    *student_columns(name="姓名"),
    Column("院系", lambda row, now: row.college.name),
    Column("专业", lambda row, now: row.graduate.major),
    Column("毕业去向", lambda row, now: destination_presentation.code_label(row)),
    Column("去向类别", lambda row, now: row.code.get_category_display()),
    Column("单位/院校名称", lambda row, now: row.unit_name or row.school_name),
    Column("登记时间", lambda row, now: local_minute(row.submitted_at)),
]


def statistics_params(query):
    """落实率统计's one filter, the 毕业年份 (required: the page always shows one)."""
    year = statistics_year(query.get("year"))
    if year is None:
        return None
    return Params(filters=year, query={"year": str(year)}, title=f"落实率统计-{year}届")


def _count(name: str, value: Callable[[Any], Any]) -> Column:
    return Column(name, lambda row, now: value(row.counts))


def statistics_columns(year) -> list[Column]:
    """The page's tables in one: 院系 · 专业 · 学历层次, the counts of every table, then one column per code."""
    return [
        Column("院系", lambda row, now: row.labels["college"]),
        Column("专业", lambda row, now: row.labels["major"]),
        Column("学历层次", lambda row, now: row.labels["level"]),
        _count("生源人数", lambda counts: counts.total),
        *(_count(category.label, lambda counts, key=category.value: counts.categories[key]) for category in Category),
        _count("未落实", lambda counts: counts.unplaced),
        _count("待审核", lambda counts: counts.pending),
        _count("已签约", lambda counts: counts.signed),
        _count("签约审核中", lambda counts: counts.in_review),
        _count("落实率（%）", lambda counts: "—" if counts.rate_percent is None else counts.rate_percent),
        *(_count(f"{code.code} {code.name}", lambda counts, key=code.code: counts.codes.get(key, 0))
          for code in school_statistics.destination_codes()),
    ]


# ---------------------------------------------------------------------------------------------- the registry


def _reviewer_list(key, title, selector, columns, *, scope=reviewer_scope, list_url=None) -> ExportKind:
    return ExportKind(
        key=key, list_url=list_url or f"contracts:{key}", scope=scope, parse=contract_list_params(title),
        rows=lambda reviewer, filters, now: selector(reviewer=reviewer, filters=filters),
        columns=lambda filters: columns,
    )


KINDS: dict[str, ExportKind] = {
    kind.key: kind
    for kind in [
        ExportKind(
            key="employer_list", list_url="contracts:employer_list", scope=employer_scope, parse=employer_params,
            rows=lambda unit, params, now: contract_selectors.employer_export_rows(
                unit=unit, tab=params.tab, filters=params.filters, now=now
            ),
            columns=lambda params: (
                EMPLOYER_FAVORITE_COLUMNS if params.tab == EmployerTab.FAVORITES else EMPLOYER_CONTRACT_COLUMNS
            ),
        ),
        _reviewer_list("review_queue", "待审核", contract_selectors.review_queue, REVIEW_QUEUE_COLUMNS),
        _reviewer_list("review_history", "已审核", contract_selectors.review_history, REVIEW_HISTORY_COLUMNS),
        _reviewer_list("termination_queue", "解约审核", contract_selectors.termination_queue,
                       TERMINATION_QUEUE_COLUMNS, scope=school_reviewer_scope),
        _reviewer_list("termination_history", "已审核的解约申请", contract_selectors.termination_history,
                       TERMINATION_HISTORY_COLUMNS, scope=school_reviewer_scope),
        ExportKind(
            key="destination_queue", list_url="destinations:review_queue", scope=reviewer_scope,
            parse=destination_params,
            rows=lambda reviewer, filters, now: destination_selectors.review_queue(reviewer=reviewer, filters=filters),
            columns=lambda filters: DESTINATION_QUEUE_COLUMNS,
        ),
        ExportKind(
            key="statistics", list_url="schools:statistics", scope=reviewer_scope, parse=statistics_params,
            rows=lambda reviewer, year, now: school_statistics.school_statistics(reviewer=reviewer, year=year)
            .table_rows(),
            columns=statistics_columns,
        ),
        ExportKind(
            key="roster", list_url="schools:roster", scope=reviewer_scope, parse=roster_params,
            rows=lambda reviewer, filters, now: school_selectors.roster_for_reviewer(reviewer=reviewer, filters=filters),
            columns=lambda filters: ROSTER_COLUMNS,
        ),
    ]
}
