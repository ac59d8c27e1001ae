"""Reads of schools, reviewers and the roster. Every reviewer read is scoped through `graduates_for_reviewer`."""

from dataclasses import dataclass

from django.db.models import QuerySet

from signing_platform.accounts.models import Role
from signing_platform.crypto import id_number_hash
from signing_platform.errors import get_or_not_found
from students import rules as destination_rules

from .models import College, CorrectionRequest, CorrectionStatus, Graduate, Reviewer, School


def reviewer_for_user(user) -> Reviewer | None:
    """The active reviewer record of a signed-in reviewer (with school and college), or None."""
    if not getattr(user, "is_authenticated", False) or user.role not in (Role.COLLEGE_REVIEWER, Role.SCHOOL_REVIEWER):
        return None
    return (
        Reviewer.objects.select_related("school", "college")
        .filter(user=user, is_active=True, user__is_active=True)
        .first()
    )


def graduates_for_reviewer(reviewer: Reviewer) -> QuerySet[Graduate]:
    """The roster a reviewer may see: their school's, narrowed to their college for a college reviewer."""
    graduates = Graduate.objects.filter(school_id=reviewer.school_id)
    if reviewer.college_id is not None:
        graduates = graduates.filter(college_id=reviewer.college_id)
    return graduates


def _get_or_not_found(queryset: QuerySet, pk, *, for_update: bool):
    if for_update:
        queryset = queryset.select_for_update(of=("self",))
    return get_or_not_found(queryset, pk=pk)


def graduate_for_reviewer(*, reviewer: Reviewer, graduate_id: int, for_update: bool = False) -> Graduate:
    """Fetch and authorise: a graduate in the reviewer's scope, else NotFound."""
    graduates = graduates_for_reviewer(reviewer).select_related("school", "college")
    return _get_or_not_found(graduates, graduate_id, for_update=for_update)


def graduate_exact_match(*, name: str, id_number: str, school: School, for_update: bool = False) -> Graduate | None:
    """The roster entry of `school` whose name and ID number both match exactly (latest graduation year first)."""
    graduates = Graduate.objects.select_related("school", "college")
    if for_update:
        graduates = graduates.select_for_update(of=("self",))
    return (
        graduates.filter(school=school, id_hash=id_number_hash(id_number), name=name.strip())
        .order_by("-graduation_year")
        .first()
    )


def graduate_for_student(user) -> Graduate | None:
    """The roster entry a student account was activated for."""
    return Graduate.objects.select_related("school", "college").filter(user=user).first()


@dataclass(frozen=True)
class RosterFilters:
    year: int | None = None
    college_id: int | None = None
    major: str = ""
    education_level: str = ""
    name: str = ""
    id_hash: str = ""
    destination_state: str = ""
    category: str = ""


def roster_for_reviewer(*, reviewer: Reviewer, filters: RosterFilters) -> QuerySet[Graduate]:
    graduates = graduates_for_reviewer(reviewer).select_related("college", "destination__code")
    if filters.year:
        graduates = graduates.filter(graduation_year=filters.year)
    if filters.college_id:
        graduates = graduates.filter(college_id=filters.college_id)
    if filters.major:
        graduates = graduates.filter(major__contains=filters.major)
    if filters.education_level:
        graduates = graduates.filter(education_level=filters.education_level)
    if filters.name:
        graduates = graduates.filter(name__contains=filters.name)
    if filters.id_hash:
        graduates = graduates.filter(id_hash=filters.id_hash)
    if filters.destination_state:
        graduates = graduates.filter(destination_rules.state_q(filters.destination_state, prefix="destination__"))
    if filters.category:
        graduates = graduates.filter(destination_rules.category_q(filters.category, prefix="destination__"))
    return graduates.order_by("-graduation_year", "college__name", "student_no", "id")


def roster_years(reviewer: Reviewer) -> list[int]:
    return list(
        graduates_for_reviewer(reviewer).order_by("-graduation_year").values_list("graduation_year", flat=True).distinct()
    )


def colleges_for_reviewer(reviewer: Reviewer) -> QuerySet[College]:
    colleges = College.objects.filter(school_id=reviewer.school_id)
    if reviewer.college_id is not None:
        colleges = colleges.filter(pk=reviewer.college_id)
    return colleges.order_by("name")


def college_reviewers_for(reviewer: Reviewer) -> QuerySet[Reviewer]:
    return (
        Reviewer.objects.filter(school_id=reviewer.school_id, role=Role.COLLEGE_REVIEWER)
        .select_related("user", "college")
        .order_by("college__name", "user__username")
    )


def college_reviewer_for(*, reviewer: Reviewer, reviewer_id: int, for_update: bool = False) -> Reviewer:
    """Fetch and authorise: a college reviewer of the school reviewer's school, else NotFound."""
    return _get_or_not_found(college_reviewers_for(reviewer), reviewer_id, for_update=for_update)


def corrections_for_reviewer(*, reviewer: Reviewer, status: str = CorrectionStatus.PENDING) -> QuerySet[CorrectionRequest]:
    graduates = graduates_for_reviewer(reviewer)
    return (
        CorrectionRequest.objects.filter(graduate__in=graduates, status=status)
        .select_related("graduate", "graduate__college", "resolved_by")
        .order_by("-created_at", "-id")
    )


def correction_for_reviewer(*, reviewer: Reviewer, correction_id: int, for_update: bool = False) -> CorrectionRequest:
    """Fetch and authorise: a correction request of a graduate in the reviewer's scope, else NotFound."""
    corrections = CorrectionRequest.objects.filter(graduate__in=graduates_for_reviewer(reviewer))
    return _get_or_not_found(corrections.select_related("graduate", "graduate__user"), correction_id, for_update=for_update)


def schools_for_activation() -> QuerySet[School]:
    return School.objects.order_by("code")
