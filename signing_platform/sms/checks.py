from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def check_sms_backend(app_configs, **kwargs):
    if settings.SMS_BACKEND.endswith(".OutboxBackend"):
        return [
            checks.Warning(
                "SMS_BACKEND is the development outbox: no SMS leaves the server.",
                hint="Set SMS_BACKEND to a real provider, e.g. signing_platform.sms.backends.HttpGatewayBackend.",
                id="sms.W001",
            )
        ]
    return []
