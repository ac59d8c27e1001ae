"""The statistics tests' cast: the signing and destination cast (tests/students/conftest.py) and a roster of 2026
counted by hand."""

from types import SimpleNamespace

import pytest

from contracts import services as contract_services
from schools.models import College, EducationLevel
from students import services as student_services
from tests.contracts.conftest import _tab_counters_follow_every_change  # noqa: F401
from tests.exports.conftest import xlsx  # noqa: F401
from tests.schools.factories import ActivatedGraduateFactory, CollegeFactory, SchoolFactory
from tests.students.conftest import *  # noqa: F403 (the signing cast, register, confirm …)


@pytest.fixture
def roster(cast, register, confirm, invite, sign):
    """Ten graduates of 2026 at 示例理工大学, hand-counted (and a graduate of 2025 and one of another school):

    计算机学院 (6): 张三 signed (10, 单位就业, 已签约) · 李四 801 confirmed (升学) · 王五 75 under review (未落实, 待审核) ·
        赵六 硕士 人工智能 76 confirmed (自由职业) · 钱七 11 returned (未落实) · 孙八 11 confirmed, changing to 12 (单位就业, 待审核)
    数学学院 (4): 周一 70 confirmed (待就业) · 吴二 72 confirmed (暂不就业) · 郑三 nothing (未落实) ·
        冯四 硕士 统计学, an agreement at the college's review (未落实, 签约审核中)
    """
    college, math = cast.college, College.objects.get(school=cast.school, name="数学学院")

    def graduate(name, college=college, **fields):
        return ActivatedGraduateFactory(college=college, name=name, **fields)

    sign(invite())
    confirm(register("801", student=cast.second_graduate_entry.user))
    register("75", student=cast.other_student)
    zhao = graduate("赵六", education_level=EducationLevel.MASTER, major="人工智能")
    confirm(register("76", student=zhao.user))
    qian = graduate("钱七")
    student_services.return_for_correction(actor=cast.college_reviewer, record=register("11", student=qian.user),
                                           reason="劳动合同未盖章")
    sun = graduate("孙八")
    confirm(register("11", student=sun.user))
    register("12", student=sun.user)
    for code, name in (("70", "周一"), ("72", "吴二")):
        record = register(code, student=graduate(name, college=math, major="数学").user, proof=None)
        student_services.approve(actor=cast.other_college_reviewer, record=record)
        student_services.approve(actor=cast.school_reviewer, record=record)
    graduate("郑三", college=math, major="数学")
    feng = graduate("冯四", college=math, major="统计学", education_level=EducationLevel.MASTER)
    favorite, _ = contract_services.favorite_add(actor=cast.employer, graduate=feng)
    contract_services.accept(actor=feng.user, contract=invite(favorite=favorite))
    # Never counted for 2026 at 示例理工大学:
    confirm(register("11", student=graduate("往届生", graduation_year=2025).user))
    outsider = ActivatedGraduateFactory(college=CollegeFactory(school=SchoolFactory(name="外省大学", province="上海市")),
                                        name="外校生")
    contract_services.favorite_add(actor=cast.employer, graduate=outsider)
    return SimpleNamespace(college=college, math=math)
