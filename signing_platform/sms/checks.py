from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_production_services(app_configs, **kwargs):
    warnings = []
    if not settings.REDIS_URL:
        warnings.append(
            checks.Warning(
                "REDIS_URL is not set: tasks run inside the web process and rate limits are counted per process.",
                hint="Set REDIS_URL to the shared Redis (Celery broker and cache).",
                id="sms.W002",
            )
        )
    if settings.SMS_BACKEND.endswith(".OutboxBackend"):
        warnings.append(
            checks.Warning(
                "SMS_BACKEND is the development outbox: no SMS leaves the server.",
                hint="Set SMS_BACKEND to a real provider, e.g. signing_platform.sms.backends.HttpGatewayBackend.",
                id="sms.W001",
            )
        )
    return warnings
