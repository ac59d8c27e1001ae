import factory
from factory.django import DjangoModelFactory

from signing_platform.accounts.models import Role, User

PASSWORD = "Signing#2026"


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    role = Role.EMPLOYER
    mobile = factory.Sequence(lambda n: f"139{n:08d}")
    name = factory.Faker("name", locale="zh_CN")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save(update_fields=["password"])


class EmployerUserFactory(UserFactory):
    role = Role.EMPLOYER


class StudentUserFactory(UserFactory):
    role = Role.STUDENT


class ReviewerUserFactory(UserFactory):
    role = Role.SCHOOL_REVIEWER
    mobile = None
    username = factory.Sequence(lambda n: f"reviewer{n}")
