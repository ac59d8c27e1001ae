"""The shared upload checks (signing_platform/uploads.py): type by content, size, storage outside the web root."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from signing_platform.uploads import JPEG, PDF, PNG, PrivateStorage, random_name, validate_upload
from tests.employers.factories import png_bytes

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def jpeg_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [("a.png", png_bytes(), PNG), ("scan.JPG", jpeg_bytes(), JPEG), ("licence.pdf", PDF_BYTES, PDF),
     ("named-wrongly.pdf", png_bytes(), PNG)],
)
def test_kind_is_judged_by_content(name, content, kind):
    assert validate_upload(upload(name, content)) == kind


@pytest.mark.parametrize(
    ("name", "content"),
    [("licence.png", b"MZ\x90\x00 this is a windows executable"), ("licence.pdf", b"just some text"),
     ("licence.jpg", b"GIF89a\x01\x00\x01\x00"), ("licence.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)],
)
def test_a_renamed_or_broken_file_is_refused(name, content):
    with pytest.raises(ValidationError) as exc:
        validate_upload(upload(name, content, "image/png"))
    assert exc.value.messages[0] in {"文件格式不支持，请上传JPG、PNG、PDF文件", "图片文件已损坏，请重新上传"}


def test_an_oversize_file_is_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="文件不能超过1KB"):
        validate_upload(upload("big.pdf", PDF_BYTES + b"0" * 1024))


def test_the_five_megabyte_limit_is_the_default():
    with pytest.raises(ValidationError, match="文件不能超过5MB"):
        validate_upload(upload("big.pdf", PDF_BYTES + b"0" * (5 * 1024 * 1024)))


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="空"):
        validate_upload(upload("empty.pdf", b""))


def test_stored_names_are_random_and_keep_only_the_extension():
    first, second = random_name("licences", "营业执照 张三.PNG"), random_name("licences", "营业执照 张三.PNG")
    assert first != second and first.startswith("licences/") and first.endswith(".png") and "张三" not in first


def test_private_storage_lives_under_the_private_root_and_has_no_url(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "elsewhere"
    storage = PrivateStorage()
    name = storage.save("licences/x.pdf", upload("x.pdf", PDF_BYTES))
    assert (tmp_path / "elsewhere" / name).read_bytes() == PDF_BYTES
    with pytest.raises(ValueError):
        storage.url(name)
