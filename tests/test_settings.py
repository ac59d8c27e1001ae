import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k3Jq9vXl2Rm8Tz5Wb7Nc4Hd6Gf1Sy0Pa-Ue_Io+Lk=Mj2Qx9Zr",
    "ALLOWED_HOSTS": "wq.example.cn",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SMS_BACKEND": "signing_platform.sms.backends.HttpGatewayBackend",
    "SMS_GATEWAY_URL": "https://sms-gateway.internal/send",
    "ID_NUMBER_ENCRYPTION_KEY": "q0Gk1m7nqEa3XhQ5qk8S4cQ0r3b9yqkQz7eY6x1m2Vw=",
    "ID_NUMBER_HASH_KEY": "hash-key-for-the-deploy-check-only-0123456789",
}


def manage(*args, env=None):
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env={**clean, **(env or {})}, capture_output=True, text=True
    )


def test_deploy_check_is_clean_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV}
    del env["SECRET_KEY"]
    result = manage("check", env=env)
    assert result.returncode != 0 and "Set SECRET_KEY when DEBUG is off" in result.stderr


def test_deploy_check_warns_about_the_dev_sms_outbox():
    env = {**PRODUCTION_ENV, "SMS_BACKEND": "signing_platform.sms.backends.OutboxBackend"}
    result = manage("check", "--deploy", env=env)
    assert "sms.W001" in result.stdout + result.stderr


def test_deploy_check_warns_when_redis_is_not_configured():
    env = {**PRODUCTION_ENV, "REDIS_URL": ""}
    result = manage("check", "--deploy", env=env)
    assert "sms.W002" in result.stdout + result.stderr
