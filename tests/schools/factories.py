import datetime

import factory
from factory.django import DjangoModelFactory

from schools.models import College, EducationLevel, Gender, Graduate, Reviewer, ReviewLevels, School
from signing_platform.accounts.models import Role
from signing_platform.validators import id_number_check_char
from tests.factories import ReviewerUserFactory, StudentUserFactory


def make_id_number(n: int, *, birth=datetime.date(2003, 5, 17)) -> str:
    """A valid, distinct ID number for each n (region 110105, sequence from n)."""
    first17 = f"110105{birth:%Y%m%d}{n % 1000:03d}"
    if n >= 1000:
        first17 = f"{110105 + n // 1000}{birth:%Y%m%d}{n % 1000:03d}"
    return first17 + id_number_check_char(first17)


class SchoolFactory(DjangoModelFactory):
    class Meta:
        model = School

    name = factory.Sequence(lambda n: f"测试大学{n}")
    code = factory.Sequence(lambda n: f"{20000 + n:05d}")
    province = "北京市"
    review_levels = ReviewLevels.TWO


class CollegeFactory(DjangoModelFactory):
    class Meta:
        model = College

    school = factory.SubFactory(SchoolFactory)
    name = factory.Sequence(lambda n: f"第{n}学院")


class GraduateFactory(DjangoModelFactory):
    class Meta:
        model = Graduate
        exclude = ("id_number",)

    college = factory.SubFactory(CollegeFactory)
    school = factory.SelfAttribute("college.school")
    name = factory.Sequence(lambda n: f"学生{n}")
    student_no = factory.Sequence(lambda n: f"2022{n:06d}")
    gender = Gender.FEMALE
    education_level = EducationLevel.BACHELOR
    major = "软件工程"
    major_category = "计算机类"
    graduation_year = 2026
    mobile = ""
    id_number = factory.Sequence(make_id_number)

    @factory.lazy_attribute
    def id_hash(self):
        from signing_platform.crypto import id_number_hash

        return id_number_hash(self.id_number)

    @factory.lazy_attribute
    def id_encrypted(self):
        from signing_platform.crypto import encrypt_id_number

        return encrypt_id_number(self.id_number)

    @factory.lazy_attribute
    def id_masked(self):
        from signing_platform.validators import mask_id_number

        return mask_id_number(self.id_number)


class ActivatedGraduateFactory(GraduateFactory):
    user = factory.SubFactory(StudentUserFactory, name=factory.SelfAttribute("..name"))
    confirmed_at = factory.LazyFunction(lambda: datetime.datetime(2026, 3, 1, tzinfo=datetime.UTC))


class SchoolReviewerFactory(DjangoModelFactory):
    class Meta:
        model = Reviewer

    user = factory.SubFactory(ReviewerUserFactory, role=Role.SCHOOL_REVIEWER)
    role = Role.SCHOOL_REVIEWER
    school = factory.SubFactory(SchoolFactory)
    college = None


class CollegeReviewerFactory(SchoolReviewerFactory):
    user = factory.SubFactory(ReviewerUserFactory, role=Role.COLLEGE_REVIEWER)
    role = Role.COLLEGE_REVIEWER
    college = factory.SubFactory(CollegeFactory)
    school = factory.SelfAttribute("college.school")
