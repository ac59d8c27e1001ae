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


def _databases(env) -> dict:
    import json

    result = manage("shell", "-c", "import json; from django.conf import settings; print(json.dumps("
                    "{alias: {'cursors': db.get('DISABLE_SERVER_SIDE_CURSORS', False), "
                    "'prepare': db.get('OPTIONS', {}).get('prepare_threshold', 'default'), 'name': db['NAME'], "
                    "'test': db.get('TEST', {}).get('MIRROR')} for alias, db in settings.DATABASES.items()}))",
                    env={**PRODUCTION_ENV, **env})
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_transaction_pooling_turns_off_server_side_cursors_and_prepared_statements():
    url = {"DATABASE_URL": "postgres://app@pgbouncer:6432/signing"}
    assert _databases(url)["default"]["cursors"] is False
    pooled = _databases({**url, "DATABASE_TRANSACTION_POOLING": "true"})["default"]
    assert pooled["cursors"] is True and pooled["prepare"] is None


def test_a_replica_url_adds_a_replica_database_mirrored_in_tests():
    databases = _databases({"DATABASE_URL": "postgres://app@db/signing",
                            "DATABASE_REPLICA_URL": "postgres://app@replica/signing"})
    assert databases["replica"]["name"] == "signing" and databases["replica"]["test"] == "default"
    assert "replica" not in _databases({"DATABASE_URL": "postgres://app@db/signing"})
