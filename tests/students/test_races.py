"""Two activations of the same roster entry at once: the database lets exactly one through."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import RequestFactory

from schools.models import Graduate
from signing_platform.accounts.models import User
from signing_platform.sms.models import Purpose
from signing_platform.sms.services import request_code
from students import services
from tests.schools.factories import GraduateFactory, make_id_number

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are a PostgreSQL matter")
def test_concurrent_activations_of_one_entry_create_one_account(outbox_code):
    graduate = GraduateFactory(name="周同", id_number=make_id_number(610))
    mobiles = ["13700000611", "13700000612"]
    for index, mobile in enumerate(mobiles):
        request_code(request=RequestFactory().post("/", REMOTE_ADDR=f"10.9.0.{index}"), mobile=mobile, purpose=Purpose.ACTIVATE_STUDENT)
    codes = {mobile: outbox_code(mobile) for mobile in mobiles}
    barrier, outcomes = threading.Barrier(len(mobiles)), []

    def activate(mobile):
        try:
            barrier.wait()
            services.student_activate(
                name="周同", id_number=make_id_number(610), school=graduate.school, mobile=mobile,
                code=codes[mobile], password="Biye#2026ok",
            )
            outcomes.append("ok")
        except ValidationError as exc:
            outcomes.append(exc.messages[0])
        finally:
            connection.close()

    threads = [threading.Thread(target=activate, args=(mobile,)) for mobile in mobiles]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == sorted(["ok", services.ALREADY_ACTIVATED])
    assert User.objects.filter(mobile__in=mobiles).count() == 1
    assert Graduate.objects.get(pk=graduate.pk).user.mobile in mobiles
