import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from .models import OutboxMessage
from .services import SmsError, check_send_limits, request_code

COOLDOWN_SECONDS = 60


def _cooldown_key(purpose: str) -> str:
    return f"sms-sent:{purpose}"


def cooldown_left(request, purpose: str) -> int:
    """Seconds before this browser may ask again for a code of this purpose (drives the 免费获取 countdown)."""
    sent_at = request.session.get(_cooldown_key(purpose))
    if not sent_at:
        return 0
    return max(0, COOLDOWN_SECONDS - int(time.time() - sent_at))


def code_control_context(request, purpose: str, *, error: str = "", notice: str = "") -> dict:
    return {"sms_purpose": purpose, "sms_cooldown": cooldown_left(request, purpose), "sms_error": error, "sms_notice": notice}


def send_code(request, *, form, purpose: str, template: str, context: dict | None = None):
    """Answer a 免费获取 press on `form`: send a code to its mobile and re-render the code control.

    With htmx only the control (the `sms-code-control` partial of `template`) is returned; without JavaScript
    the whole page is, with the mobile kept and nothing else validated yet.
    """
    error = notice = ""
    try:
        mobile = form.clean_mobile_for_code()
        if form.should_send_code(mobile):
            request_code(request=request, mobile=mobile, purpose=purpose)
        else:
            check_send_limits(request, mobile)
    except ValidationError as exc:
        error = exc.messages[0]
    except SmsError as exc:
        error = exc.message
    else:
        request.session[_cooldown_key(purpose)] = time.time()
        notice = "验证码已发送，5分钟内有效"
    page = {**(context or {}), "form": form.unbound_copy()}
    page.update(code_control_context(request, purpose, error=error, notice=notice))
    if request.htmx:
        return render(request, f"{template}#sms-code-control", page)
    return render(request, template, page)


def outbox(request):
    """短信发件箱: what the development backend 'sent'. Exists only with DEBUG on."""
    if not settings.DEBUG:
        raise Http404
    messages = OutboxMessage.objects.all()[:50]
    return render(request, "sms/outbox.html", {"outbox": messages})
