import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from schools import services
from schools.models import CorrectionRequest, CorrectionStatus
from signing_platform.accounts.models import AuditEvent
from signing_platform.sms.models import SmsMessage

from .factories import ActivatedGraduateFactory

URL = reverse("schools:corrections")


@pytest.fixture
def request_(cast):
    graduate = ActivatedGraduateFactory(college=cast.cs, name="赵六")
    return services.correction_request_create(graduate=graduate, message="专业应为网络工程")


def test_only_one_open_request_per_graduate(request_):
    with pytest.raises(ValidationError):
        services.correction_request_create(graduate=request_.graduate, message="再来一次")


def test_reviewer_sees_the_request_and_resolves_it(client, cast, request_, django_capture_on_commit_callbacks):
    client.force_login(cast.college_reviewer.user)
    html = client.get(URL).content.decode()
    assert "专业应为网络工程" in html and request_.graduate.id_masked in html
    url = reverse("schools:correction_resolve", args=[request_.pk])
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, {"status": "resolved", "reply": "已改"}).status_code == 302
    request_.refresh_from_db()
    assert request_.status == CorrectionStatus.RESOLVED and request_.resolved_by == cast.college_reviewer.user
    assert AuditEvent.objects.filter(action="correction.resolved").exists()
    assert SmsMessage.objects.filter(mobile=request_.graduate.user.mobile, body__contains="已更正").exists()
    client.post(url, {"status": "declined", "reply": "晚了"})
    request_.refresh_from_db()
    assert request_.status == CorrectionStatus.RESOLVED


def test_declining_needs_a_reason(client, cast, request_):
    client.force_login(cast.school_reviewer.user)
    client.post(reverse("schools:correction_resolve", args=[request_.pk]), {"status": "declined"})
    request_.refresh_from_db()
    assert request_.status == CorrectionStatus.PENDING


@pytest.mark.parametrize("actor", ["math_reviewer", "other_reviewer"])
def test_outsiders_get_404(client, cast, request_, actor):
    client.force_login(getattr(cast, actor).user)
    assert "专业应为网络工程" not in client.get(URL).content.decode()
    url = reverse("schools:correction_resolve", args=[request_.pk])
    assert client.post(url, {"status": "resolved"}).status_code == 404
    assert CorrectionRequest.objects.get().status == CorrectionStatus.PENDING


def test_wrong_method_and_query_count(client, cast, request_, django_assert_max_num_queries):
    client.force_login(cast.school_reviewer.user)
    assert client.get(reverse("schools:correction_resolve", args=[request_.pk])).status_code == 405
    with django_assert_max_num_queries(8):
        assert client.get(URL, {"status": "resolved"}).status_code == 200
