from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render

from signing_platform.forms import apply_service_errors
from signing_platform.validators import normalize_mobile

from .models import OutboxMessage
from .services import SmsError, request_code, resend_wait

# The code control, a named partial of the form template every code page includes.
CODE_CONTROL = "sms/_code_form.html#code-control"


def code_form_page(request, *, form_class, purpose: str, template: str, on_valid, form_kwargs=None, context=None):
    """A page whose form takes an SMS code: 单位注册, 忘记密码, 更换手机号, 子账号设置密码, 毕业生激活.

    免费获取 (a POST with `send_code`) sends a code to the mobile typed in the form. A valid submit calls
    `on_valid(form)`, which calls the service and returns the response after success; a ValidationError it
    raises is shown on the form. `template` includes "sms/_code_form.html" where the form goes.
    """
    form_kwargs = form_kwargs or {}
    if request.method == "POST":
        form = form_class(request.POST, **form_kwargs)
        if "send_code" in request.POST:
            return _send_code(request, form=form, purpose=purpose, template=template, context=context)
        if form.is_valid():
            try:
                return on_valid(form)
            except ValidationError as exc:
                apply_service_errors(form, exc)
    else:
        form = form_class(**form_kwargs)
    return render(request, template, {**(context or {}), "form": form, **_code_control_context(form)})


def _send_code(request, *, form, purpose: str, template: str, context: dict | None):
    """Answer 免费获取: send a code to the form's mobile and show the control again with its countdown.

    With htmx only the control is returned; without JavaScript the whole page is, with what was typed kept and
    nothing else validated yet.
    """
    error = notice = ""
    mobile = ""
    try:
        mobile = form.clean_mobile_for_code()
        request_code(request=request, mobile=mobile, purpose=purpose, deliver=form.should_send_code(mobile))
    except ValidationError as exc:
        error = exc.messages[0]
    except SmsError as exc:
        error = exc.message
    else:
        notice = "验证码已发送，5分钟内有效"
    page = {**(context or {}), "form": form.unbound_copy()}
    page.update(_code_control_context(form, mobile=mobile, error=error, notice=notice))
    return render(request, CODE_CONTROL if request.htmx else template, page)


def _code_control_context(form, *, mobile: str | None = None, error: str = "", notice: str = "") -> dict:
    """What the code control shows: the countdown is what is left of the wait for the typed mobile, if any."""
    if mobile is None:
        try:
            mobile = normalize_mobile(form.data.get("mobile", ""))
        except ValidationError:
            mobile = ""
    return {"sms_cooldown": resend_wait(mobile) if mobile else 0, "sms_error": error, "sms_notice": notice}


def outbox(request):
    """短信发件箱: what the development backend 'sent'. Exists only with DEBUG on."""
    if not settings.DEBUG:
        raise Http404
    messages = OutboxMessage.objects.all()[:50]
    return render(request, "sms/outbox.html", {"outbox": messages})
