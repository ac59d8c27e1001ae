import pytest
from django.core.management import CommandError, call_command

from contracts.models import Contract, ContractStatus
from employers.models import Unit
from signing_platform.accounts.models import User
from signing_platform.demo import DEMO_PASSWORD

pytestmark = pytest.mark.django_db


def test_demo_loads_once_and_every_printed_account_signs_in(settings, capsys, client):
    settings.DEBUG = True
    call_command("load_demo")
    counts = (User.objects.count(), Unit.objects.count(), Contract.objects.count())
    call_command("load_demo")
    assert (User.objects.count(), Unit.objects.count(), Contract.objects.count()) == counts
    out = capsys.readouterr().out
    for login in ["admin", "reviewer_school_10001", "reviewer_college_10001_1", "13700000001", "13900000001", "13700000002"]:
        assert login in out
        assert client.login(username=login, password=DEMO_PASSWORD), login
    assert Contract.objects.filter(graduate__user__mobile="13700000001", status=ContractStatus.INVITED).exists()
    assert Contract.objects.filter(graduate__user__mobile="13700000002", status=ContractStatus.TERMINATING).exists()


def test_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")
