"""Every hostile file of the corpus (tests/security/corpus) against every upload field of the site, through the real
pages: 营业执照 in 身份认证, 解约函 in 申请解约 (employer and graduate), and 生源导入 (CSV/XLSX).

Whatever the file, the answer is never a 5xx. A refused file gets a Chinese message and leaves nothing behind: no new
row, no file under PRIVATE_MEDIA_ROOT. A file a field accepts once neutralised (a PNG/HTML polyglot is a PNG, formula
text in a roster is data) is stored only in its neutralised form.
"""

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from contracts.models import Contract, ContractEvent, ContractStatus, TerminationRequest
from employers.models import AuthenticationRequest, Unit
from schools.models import Graduate
from signing_platform.accounts.models import AuditEvent
from tests.factories import EmployerUserFactory
from tests.security.corpus import CORPUS, FORMULAS, LETTER, LICENCE, ROSTER, SCRIPT, Hostile

pytestmark = pytest.mark.django_db


@dataclass
class Field:
    kind: str
    url: str
    user: object
    file_field: str
    data: dict


@pytest.fixture(params=["licence", "employer_letter", "student_letter", "roster"])
def field(request, cast, unit_form_data):
    """One upload field of the site, with a user allowed to use it and the rest of its form filled in validly."""
    if request.param == "licence":
        return Field(LICENCE, reverse("employers:authentication"), EmployerUserFactory(), "licence", unit_form_data)
    if request.param == "roster":
        return Field(ROSTER, reverse("schools:roster_import"), cast.school_reviewer, "file", {})
    signed = request.getfixturevalue("signed")
    side = request.param.split("_")[0]
    return Field(
        LETTER, reverse(f"contracts:{side}_terminate", args=[signed.pk]),
        cast.employer if side == "employer" else cast.student, "attachment", {"reason": "岗位取消"},
    )


def stored_files() -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def state() -> dict:
    return {
        "units": Unit.objects.count(), "authentication requests": AuthenticationRequest.objects.count(),
        "termination requests": TerminationRequest.objects.count(), "contract events": ContractEvent.objects.count(),
        "signed": Contract.objects.filter(status=ContractStatus.SIGNED).count(), "graduates": Graduate.objects.count(),
        "audit events": AuditEvent.objects.count(), "files": stored_files(),
    }


def messages_shown(html: str) -> list[str]:
    """The error texts of the page: field errors, the form's errors, and the import's table of bad rows."""
    blocks = re.findall(r'<ul class="field-errors"[^>]*>(.*?)</ul>', html, re.S)
    blocks += re.findall(r'<div class="alert alert-error"[^>]*>(.*?)</div>', html, re.S)
    blocks += re.findall(r"<td>(第\d+行)</td><td>(.*?)</td>", html, re.S)
    texts = [" ".join(block) if isinstance(block, tuple) else block for block in blocks]
    return [re.sub(r"<[^>]+>", "", text).strip() for text in texts]


def post(client, field: Field, hostile: Hostile):
    client.force_login(field.user)
    upload = SimpleUploadedFile(hostile.name, hostile.content(), content_type=hostile.content_type)
    return client.post(field.url, {**field.data, field.file_field: upload})


@pytest.mark.parametrize("hostile", CORPUS, ids=str)
def test_a_hostile_file_never_gets_a_5xx_and_is_refused_or_neutralised(client, field, hostile):
    before = state()
    response = post(client, field, hostile)
    assert response.status_code < 500
    if field.kind in hostile.accepted_by:
        assert_neutralised(response, field, hostile, before)
        return
    assert response.status_code == 200
    shown = messages_shown(response.content.decode())
    assert shown and all(re.search(r"[\u4e00-\u9fff]", text) for text in shown), shown
    assert state() == before


def assert_neutralised(response, field: Field, hostile: Hostile, before: dict):
    if field.kind == ROSTER:
        assert "新增 5 条" in response.content.decode()
        # Kept exactly as typed: data, not something to run (files the platform writes neutralise it: safe_cell).
        assert set(Graduate.objects.filter(major__in=FORMULAS).values_list("name", flat=True)) == set(FORMULAS)
        return
    assert response.status_code == 302
    (new_file,) = set(stored_files()) - set(before["files"])
    stored = new_file.read_bytes()
    assert stored != hostile.content()
    assert SCRIPT not in stored and b"<script" not in stored and b"SecretCam" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        image.load()
        assert not {"exif", "comment", "icc_profile"} & set(image.info)
