import re
import shutil
import subprocess

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from contracts.models import Contract, ContractStatus
from employers.models import Unit
from schools.models import Graduate
from signing_platform.accounts.models import User
from signing_platform.demo import DEMO_PASSWORD
from students.models import DestinationRecord

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


def test_demo_destinations_in_every_state_and_the_printed_checks_verify(settings, capsys, client):
    settings.DEBUG = True
    call_command("load_demo")
    call_command("load_demo")
    out = capsys.readouterr().out
    states = set(DestinationRecord.objects.values_list("status", flat=True))
    assert {"pending_college", "pending_school", "confirmed", "returned"} <= states
    assert DestinationRecord.objects.filter(contract__isnull=True).count() == 6  # loaded once
    for mobile in ("13700000003", "13700000006"):
        assert mobile in out and client.login(username=mobile, password=DEMO_PASSWORD)
    name, number = re.search(r"毕业去向核验（/verify/destination/）：姓名 (\S+)，核验编号 ([A-Z0-9-]+)", out).groups()
    response = client.post("/verify/destination/", {"name": name, "number": number})
    assert "有效" in response.content.decode()
    agreement_no, code = re.search(r"协议书编号 (\S+)，验证码 (\S+)", out).groups()
    assert "签约完成" in client.get("/verify/agreement/", {"no": agreement_no, "code": code}).content.decode()
    # The graduate printed for 毕业生激活 is still free to activate.
    free = re.search(r"可试激活的示例毕业生：姓名 (\S+)，", out).group(1)
    assert Graduate.objects.filter(name=free, user__isnull=True).exists()


def test_demo_refuses_to_run_in_production(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("load_demo")


@pytest.mark.parametrize(
    ("address", "url"),
    [("127.0.0.1:8123", "http://127.0.0.1:8123"), ("0.0.0.0:9000", "http://127.0.0.1:9000"),
     ("localhost:8001", "http://localhost:8001")],
)
def test_the_printed_links_use_the_servers_address(settings, capsys, address, url):
    settings.DEBUG = True
    call_command("load_demo", address=address)
    out = capsys.readouterr().out
    assert f"打开 {url} 登录" in out and f"{url}/dev/outbox/" in out
    assert ":8000" not in out


def test_make_run_hands_its_port_to_the_printout():
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    dry_run = subprocess.run(
        ["make", "-n", "run", "PORT=8123", "HOST=0.0.0.0"], cwd=django_settings.BASE_DIR, capture_output=True, text=True, check=True
    ).stdout
    assert "manage.py load_demo --address 0.0.0.0:8123" in dry_run
    assert "runserver 0.0.0.0:8123" in dry_run
