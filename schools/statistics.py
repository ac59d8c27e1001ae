"""落实率 statistics (issue 13, SPEC §5): the selector behind the reviewers' statistics page, its 导出Excel and the
operators' platform-wide page — one aggregate query, so the page and the file cannot disagree.

What is counted, per graduate of the roster (生源) of one 毕业年份:
- a destination category (单位就业 … 待就业) only for the destination in force (confirmed, 已落实): the code on the
  graduate's Destination row, which students.services keeps in step with the confirmed record. Code 10 from a signed
  agreement is confirmed at signing (and revoked at termination), so signing counts as 单位就业 at once;
- 未落实: no destination in force (never registered, or only a request under review or returned);
- 待审核: a registration under review (待学院审核 / 待学校审核). It is shown beside the categories, not among them: a
  graduate changing a confirmed destination is counted in its category and here;
- 已签约: the graduate's agreement in force (签约完成, also while a termination is asked for: it stays in force);
- 签约审核中: an agreement the graduate accepted that a reviewer has yet to approve;
- 落实率 = (单位就业 + 自主创业 + 自由职业 + 升学) / 生源人数; none (shown —) when there are no graduates.

The query groups the roster rows (GROUP BY with conditional counts, the graduate's Destination row and their one
active contract joined; neither multiplies rows: one Destination per graduate, one active contract per graduate by
the partial unique index). Subtotals (per 院系, per 学历层次, per province) add up the groups' counts, whose number is
that of the majors, never that of the graduates.
"""

from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connections, transaction
from django.db.models import Count, FilteredRelation, Q, QuerySet

from contracts.models import ACTIVE_STATES, ContractStatus
from students.models import PENDING_STATES, PLACED_CATEGORIES, Category, DestinationCode

from .models import EducationLevel, Graduate
from .selectors import graduates_for_reviewer

SIGNED_STATES = (ContractStatus.SIGNED, ContractStatus.TERMINATING)
IN_REVIEW_STATES = (ContractStatus.ACCEPTED, ContractStatus.COLLEGE_APPROVED)

DEFINITION = (
    "落实率 = (单位就业 + 自主创业 + 自由职业 + 升学) ÷ 生源人数。只统计已落实（审核通过）的毕业去向；"
    "签约完成的就业协议即为已落实的“10 签就业协议形式就业”。没有已落实毕业去向的毕业生计为未落实；"
    "待审核为有毕业去向登记正在审核的人数（变更已落实去向的也计入其原类别）。"
    "已签约为协议有效（含解约办理中）的人数，签约审核中为已应约、等待学院或学校审核的人数。"
)


@dataclass
class Counts:
    """The figures of one row: graduates (生源人数) and how many of them are in each column."""

    total: int = 0
    categories: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Category.values, 0))
    unplaced: int = 0
    pending: int = 0
    signed: int = 0
    in_review: int = 0
    codes: dict[str, int] = field(default_factory=dict)

    @property
    def placed(self) -> int:
        return sum(self.categories[category] for category in PLACED_CATEGORIES)

    @property
    def rate(self) -> float | None:
        """落实率 as a fraction; None without graduates."""
        return self.placed / self.total if self.total else None

    @property
    def rate_percent(self) -> float | None:
        """落实率 in per cent to one decimal, as the page and the export print it."""
        return None if self.rate is None else round(self.rate * 100, 1)

    @property
    def rate_label(self) -> str:
        return "—" if self.rate is None else f"{self.rate_percent:.1f}%"

    def category_list(self) -> list[tuple[str, str, int]]:
        """(key, label, count) of each category, in the order of the table."""
        return [(category.value, category.label, self.categories[category]) for category in Category]

    def add(self, other: "Counts") -> "Counts":
        self.total += other.total
        for category, count in other.categories.items():
            self.categories[category] += count
        self.unplaced += other.unplaced
        self.pending += other.pending
        self.signed += other.signed
        self.in_review += other.in_review
        for code, count in other.codes.items():
            self.codes[code] = self.codes.get(code, 0) + count
        return self


def sum_counts(rows: Iterable) -> Counts:
    total = Counts()
    for row in rows:
        total.add(row.counts)
    return total


@dataclass
class Row:
    """One line of a table: what it is (院系, 专业, 学历层次, 学校 …) and its counts."""

    labels: dict[str, str]
    counts: Counts


def _aggregates(codes: Sequence[str]) -> dict:
    return {
        "n_total": Count("pk"),
        **{f"n_cat_{category}": Count("pk", filter=Q(destination__code__category=category))
           for category in Category.values},
        "n_unplaced": Count("pk", filter=Q(destination__code__isnull=True)),
        "n_pending": Count("pk", filter=Q(destination__state__in=[state.value for state in PENDING_STATES])),
        "n_signed": Count("pk", filter=Q(active_contract__status__in=SIGNED_STATES)),
        "n_in_review": Count("pk", filter=Q(active_contract__status__in=IN_REVIEW_STATES)),
        **{f"n_code_{code}": Count("pk", filter=Q(destination__code_id=code)) for code in codes},
    }


def grouped_query(graduates: QuerySet[Graduate], *, by: Sequence[str], codes: Sequence[str]) -> QuerySet:
    """The one aggregate query: `graduates` grouped by the fields `by`, each group's counts (as values rows)."""
    return (
        graduates.annotate(
            active_contract=FilteredRelation(
                "contracts", condition=Q(contracts__status__in=[state.value for state in ACTIVE_STATES])
            )
        )
        .values(*by)
        .annotate(**_aggregates(codes))
        .order_by(*by)
    )


def grouped_counts(graduates: QuerySet[Graduate], *, by: Sequence[str], codes: Sequence[str]) -> list[Row]:
    result = []
    for row in grouped_query(graduates, by=by, codes=codes):
        counts = Counts(
            total=row["n_total"],
            categories={category: row[f"n_cat_{category}"] for category in Category.values},
            unplaced=row["n_unplaced"], pending=row["n_pending"], signed=row["n_signed"],
            in_review=row["n_in_review"], codes={code: row[f"n_code_{code}"] for code in codes},
        )
        result.append(Row(labels={key: row[key] for key in by}, counts=counts))
    return result


def destination_codes() -> list[DestinationCode]:
    return list(DestinationCode.objects.order_by("sort_order", "id"))


# ---------------------------------------------------------------------------------------------- a school


@dataclass
class CollegeBlock:
    name: str
    counts: Counts
    majors: list[Row]  # labels: major, level (学历层次 label)


@dataclass
class SchoolStatistics:
    year: int
    codes: list[DestinationCode]
    colleges: list[CollegeBlock]
    levels: list[Row]  # labels: level
    total: Counts

    def table_rows(self) -> "TableRows":
        """Every row of the page's tables, in one list (the export's): each 院系's majors and its 合计, each 学历层次's
        合计, the total. Labels: college, major, level."""
        rows = []
        for block in self.colleges:
            rows += [Row({"college": block.name, **row.labels}, row.counts) for row in block.majors]
            rows.append(Row({"college": block.name, "major": "合计", "level": ""}, block.counts))
        rows += [Row({"college": "全部院系", "major": "合计", **row.labels}, row.counts) for row in self.levels]
        rows.append(Row({"college": "全部院系", "major": "合计", "level": "全部"}, self.total))
        return TableRows(rows)

    def code_table(self) -> list[tuple[Row, list[int]]]:
        """The rows of table_rows with their counts per code, in the order of `codes`."""
        return [(row, [row.counts.codes.get(code.code, 0) for code in self.codes]) for row in self.table_rows().rows]


@dataclass
class TableRows:
    """Finished rows, read by the export writer as it reads a queryset (count, iterator)."""

    rows: list[Row]

    def count(self) -> int:
        return len(self.rows)

    def iterator(self, chunk_size: int | None = None):
        return iter(self.rows)


LEVEL_ORDER = {level.value: index for index, level in enumerate(EducationLevel)}
# The groups of each query: a school's (its majors and levels within each college) and the platform's (its schools).
SCHOOL_GROUPS = ("college_id", "college__name", "major", "education_level")
PLATFORM_GROUPS = ("school_id", "school__code", "school__name", "school__province")


def statistics_years(reviewer) -> list[int]:
    """The 毕业年份 of the reviewer's roster, latest first (the first is the page's default)."""
    return list(
        graduates_for_reviewer(reviewer).order_by("-graduation_year").values_list("graduation_year", flat=True).distinct()
    )


# A school's roster is a few per cent of the platform's: probing the three indexes (roster by school and year, the
# Destination by graduate, the active contract by graduate) beats hashing whole tables, which PostgreSQL's default
# random_page_cost (4, for spinning disks) prefers. bench/placement_statistics.py: 337 ms at 4, 125 ms at 1.1 (50,000 graduates).
INDEX_PROBING_RANDOM_PAGE_COST = 1.1


@contextmanager
def plans_that_probe_indexes(using: str) -> Iterator[None]:
    """Within the block (reads only), PostgreSQL plans the queries on `using` as on SSDs with the data cached. The
    setting is local to the block's transaction (fine behind PgBouncer in transaction mode), which is rolled back at
    the end: inside an outer transaction that is a savepoint's rollback, which ends the setting there too."""
    if connections[using].vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using):
        with connections[using].cursor() as cursor:
            cursor.execute(f"SET LOCAL random_page_cost = {INDEX_PROBING_RANDOM_PAGE_COST}")
        try:
            yield
        finally:
            transaction.set_rollback(True, using=using)


def school_statistics(*, reviewer, year: int) -> SchoolStatistics:
    """落实率 of the reviewer's roster (the school's; a college reviewer's college) for `year`: per 院系, per 专业 and
    学历层次 within it, per 学历层次, and the total."""
    codes = destination_codes()
    graduates = graduates_for_reviewer(reviewer).filter(graduation_year=year)
    graduates = graduates.using(graduates.db)  # where this read goes (the replica, if any): the setting is set there
    with plans_that_probe_indexes(graduates.db):
        groups = grouped_counts(graduates, by=SCHOOL_GROUPS, codes=[c.code for c in codes])
    colleges: dict[int, CollegeBlock] = {}
    levels: dict[str, Counts] = {}
    for group in groups:
        labels = group.labels
        block = colleges.setdefault(labels["college_id"], CollegeBlock(labels["college__name"], Counts(), []))
        block.counts.add(group.counts)
        block.majors.append(Row({"major": labels["major"], "level": _level_label(labels["education_level"])},
                                group.counts))
        levels.setdefault(labels["education_level"], Counts()).add(group.counts)
    blocks = sorted(colleges.values(), key=lambda block: block.name)
    total = sum_counts(Row({}, block.counts) for block in blocks)
    level_rows = [
        Row({"level": _level_label(level)}, counts)
        for level, counts in sorted(levels.items(), key=lambda item: LEVEL_ORDER.get(item[0], 99))
    ]
    return SchoolStatistics(year=year, codes=codes, colleges=blocks, levels=level_rows, total=total)


def _level_label(value: str) -> str:
    try:
        return EducationLevel(value).label
    except ValueError:
        return value


# ---------------------------------------------------------------------------------------------- the platform


@dataclass
class PlatformStatistics:
    year: int
    codes: list[DestinationCode]
    schools: list[Row]  # labels: school (name), code, province
    provinces: list[Row]  # labels: province
    total: Counts

    def code_table(self) -> list[tuple[Row, list[int]]]:
        """Each province and the total, with their counts per code in the order of `codes`."""
        rows = [*self.provinces, Row({"province": "合计"}, self.total)]
        return [(row, [row.counts.codes.get(code.code, 0) for code in self.codes]) for row in rows]


def platform_years() -> list[int]:
    return list(Graduate.objects.order_by("-graduation_year").values_list("graduation_year", flat=True).distinct())


def platform_statistics(*, year: int) -> PlatformStatistics:
    """落实率 of every school's roster for `year` (operators): per school, per province, and the total."""
    codes = destination_codes()
    groups = grouped_counts(
        Graduate.objects.filter(graduation_year=year), by=PLATFORM_GROUPS, codes=[c.code for c in codes]
    )
    schools = [
        Row({"school": g.labels["school__name"], "code": g.labels["school__code"], "province": g.labels["school__province"]},
            g.counts)
        for g in sorted(groups, key=lambda g: g.labels["school__code"])
    ]
    provinces: dict[str, Counts] = {}
    for row in schools:
        provinces.setdefault(row.labels["province"], Counts()).add(row.counts)
    province_rows = [Row({"province": name}, counts) for name, counts in sorted(provinces.items())]
    total = sum_counts(schools)
    return PlatformStatistics(year=year, codes=codes, schools=schools, provinces=province_rows,
                              total=total)
