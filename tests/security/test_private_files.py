"""Every private file (营业执照, 解约函) is served as a download that no browser renders as a page of this site:
Content-Disposition attachment, nosniff, a sandboxing Content-Security-Policy, and not cached."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts import services
from tests.employers.factories import AuthenticationRequestFactory

pytestmark = pytest.mark.django_db


def assert_served_as_a_sandboxed_download(response, content_type):
    assert response.status_code == 200 and response["Content-Type"] == content_type
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "private, no-store"


def test_the_licence_is_a_sandboxed_download(client):
    request = AuthenticationRequestFactory()
    client.force_login(request.submitted_by)
    response = client.get(reverse("employers:licence", args=[request.pk]))
    assert_served_as_a_sandboxed_download(response, "image/png")
    assert f'filename="licence-{request.pk}.png"' in response["Content-Disposition"]


def test_the_termination_letter_is_a_sandboxed_download(client, cast, signed):
    letter = SimpleUploadedFile("解约函.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", content_type="application/pdf")
    termination = services.request_termination(actor=cast.employer, contract=signed, reason="岗位取消", attachment=letter)
    client.force_login(cast.student)
    response = client.get(reverse("contracts:termination_letter", args=[signed.pk, termination.pk]))
    assert_served_as_a_sandboxed_download(response, "application/pdf")
