"""Demo schools, colleges, reviewers, a roster over two years and one activated student. Deterministic, idempotent."""

import datetime
import random

from signing_platform.accounts.models import Role, User
from signing_platform.demo import DEMO_PASSWORD
from signing_platform.validators import id_number_check_char

from .models import College, EducationLevel, Gender, Graduate, Reviewer, ReviewLevels, School

SCHOOLS = [
    ("10001", "示例理工大学", "北京市", ReviewLevels.TWO, ["计算机学院", "机械工程学院", "经济管理学院"]),
    ("10002", "示例师范大学", "江苏省", ReviewLevels.TWO, ["文学院", "数学科学学院"]),
    ("10003", "示例职业技术学院", "四川省", ReviewLevels.ONE, ["信息工程系", "商贸系"]),
]
MAJORS = {
    "计算机学院": [("计算机科学与技术", "计算机类"), ("软件工程", "计算机类")],
    "机械工程学院": [("机械设计制造及其自动化", "机械类")],
    "经济管理学院": [("会计学", "工商管理类"), ("经济学", "经济学类")],
    "文学院": [("汉语言文学", "中国语言文学类")],
    "数学科学学院": [("数学与应用数学", "数学类")],
    "信息工程系": [("计算机应用技术", "计算机类")],
    "商贸系": [("电子商务", "电子商务类")],
}
REGIONS = ["110105", "320102", "510104", "440106", "330106"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "杰", "娟", "涛", "明", "超", "秀英", "晓东", "思远", "雨桐"]
YEARS = (2025, 2026)
PER_COLLEGE_YEAR = 25
STUDENT_MOBILE = "13700000001"


def demo_id_number(rng: random.Random, year: int, male: bool) -> str:
    birth = datetime.date(year - 22, 1, 1) + datetime.timedelta(days=rng.randrange(365))
    sequence = rng.randrange(50, 499) * 2 + (1 if male else 0)
    first17 = f"{rng.choice(REGIONS)}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_number_check_char(first17)


def _graduates(school: School, colleges: list[College], rng: random.Random) -> list[Graduate]:
    levels = [EducationLevel.BACHELOR] if school.has_college_review else [EducationLevel.JUNIOR_COLLEGE]
    graduates, seen = [], set()
    for year in YEARS:
        for college_index, college in enumerate(colleges, start=1):
            for number in range(1, PER_COLLEGE_YEAR + 1):
                male = rng.random() < 0.5
                id_number = demo_id_number(rng, year, male)
                if id_number in seen:
                    continue
                seen.add(id_number)
                major, category = rng.choice(MAJORS[college.name])
                graduate = Graduate(
                    school=school,
                    college=college,
                    name=rng.choice(SURNAMES) + rng.choice(GIVEN),
                    student_no=f"{year - 4}{college_index:02d}{number:04d}",
                    gender=Gender.MALE if male else Gender.FEMALE,
                    education_level=rng.choice(levels) if number % 7 else EducationLevel.MASTER,
                    major=major,
                    major_category=category,
                    graduation_year=year,
                    mobile=f"136{school.code[-2:]}{year % 10}{number:05d}"[:11],
                )
                graduate.set_id_number(id_number)
                graduates.append(graduate)
    return graduates


def _reviewer(username: str, name: str, school: School, college: College | None = None) -> None:
    role = Role.COLLEGE_REVIEWER if college else Role.SCHOOL_REVIEWER
    user = User.objects.create_user(role=role, username=username, name=name, password=DEMO_PASSWORD)
    Reviewer.objects.create(user=user, role=role, school=school, college=college)


def load() -> list[str]:
    rng = random.Random(20260601)
    if not School.objects.filter(code=SCHOOLS[0][0]).exists():
        for code, name, province, levels, college_names in SCHOOLS:
            school = School.objects.create(code=code, name=name, province=province, review_levels=levels)
            colleges = College.objects.bulk_create([College(school=school, name=n) for n in college_names])
            Graduate.objects.bulk_create(_graduates(school, colleges, rng))
            _reviewer(f"reviewer_school_{code}", f"{name}就业办", school)
            if code == SCHOOLS[0][0]:
                for index, college in enumerate(colleges, start=1):
                    _reviewer(f"reviewer_college_{code}_{index}", f"{college.name}审核员", school, college)
        first = Graduate.objects.filter(school__code=SCHOOLS[0][0], graduation_year=YEARS[-1]).order_by("id").first()
        student = User.objects.create_user(role=Role.STUDENT, mobile=STUDENT_MOBILE, password=DEMO_PASSWORD, name=first.name)
        Graduate.objects.filter(pk=first.pk).update(user=student)
    demo = Graduate.objects.select_related("school").get(user__mobile=STUDENT_MOBILE)
    not_activated = (
        Graduate.objects.select_related("school")
        .filter(school__code=SCHOOLS[0][0], graduation_year=YEARS[-1], user__isnull=True)
        .order_by("id")
        .first()
    )
    return [
        f"学校审核员：用户名 reviewer_school_10001 / reviewer_school_10002 / reviewer_school_10003，密码 {DEMO_PASSWORD}",
        f"学院审核员（{SCHOOLS[0][1]}）：用户名 reviewer_college_10001_1 … _{len(SCHOOLS[0][4])}，密码 {DEMO_PASSWORD}",
        f"毕业生（已激活）：手机号 {STUDENT_MOBILE}，密码 {DEMO_PASSWORD}（{demo.name}，{demo.school.name}）",
        f"可试激活的示例毕业生：姓名 {not_activated.name}，身份证号 {not_activated.id_number()}，"
        f"毕业院校 {not_activated.school.name}（虚构数据）",
    ]
