"""The cast of the schools tests: one school with two colleges, its reviewers, and an outsider school."""

from types import SimpleNamespace

import pytest

from .factories import CollegeFactory, CollegeReviewerFactory, GraduateFactory, SchoolFactory, SchoolReviewerFactory


@pytest.fixture
def cast(db):
    school = SchoolFactory(name="示例大学", code="10001")
    cs, math = CollegeFactory(school=school, name="计算机学院"), CollegeFactory(school=school, name="数学学院")
    other = SchoolFactory(name="外校大学", code="10002")
    other_college = CollegeFactory(school=other, name="计算机学院")
    return SimpleNamespace(
        school=school,
        cs=cs,
        math=math,
        school_reviewer=SchoolReviewerFactory(school=school),
        college_reviewer=CollegeReviewerFactory(college=cs),
        math_reviewer=CollegeReviewerFactory(college=math),
        other=other,
        other_college=other_college,
        other_reviewer=SchoolReviewerFactory(school=other),
        cs_graduate=GraduateFactory(college=cs, name="张三"),
        math_graduate=GraduateFactory(college=math, name="李四"),
        other_graduate=GraduateFactory(college=other_college, name="王五"),
    )
