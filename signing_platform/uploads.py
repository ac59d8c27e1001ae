"""Uploaded files (营业执照, 解约函 …): checked by content, kept outside the web root, served by a view that checks access.

A form field calls `validate_upload(file)`; the model's FileField uses `storage=private_storage` and
`upload_to` built with `random_name`; a view that has authorised the user returns `private_file_response(...)`.

What an upload has to pass, and why:
- its kind is judged by its content (never its name or the browser's content type);
- an image is decoded in full (with a pixel limit, so a decompression bomb is refused before it is decoded) and
  re-encoded in place: what is stored is our own PNG or JPEG, without metadata (EXIF, comments, ICC profile) and
  without anything hidden after or between its chunks (PNG/HTML polyglots);
- a PDF is refused when it names active content (scripts, actions run on opening, launching or submitting, embedded
  files, Flash, XFA forms). See `_refuse_active_pdf` for what the scan covers;
- every private file is served as a download, with `nosniff` and a sandboxing Content-Security-Policy, so a file that
  got through anyway is never rendered as a page of this site.
"""

import io
import os
import re
import uuid
import zlib
from bisect import bisect_right
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils.deconstruct import deconstructible
from PIL import Image, ImageOps


@dataclass(frozen=True)
class UploadKind:
    extension: str
    content_type: str


JPEG = UploadKind("jpg", "image/jpeg")
PNG = UploadKind("png", "image/png")
PDF = UploadKind("pdf", "application/pdf")
IMAGE_OR_PDF = (JPEG, PNG, PDF)

# Enough of the file's start for every signature filetype knows.
_HEAD_BYTES = 8192
# A licence scanned at 600 dpi (A4) has about 35 million pixels; decoding 36 million RGB pixels takes ~110 MB.
MAX_IMAGE_PIXELS = 36_000_000


def _size_label(max_bytes: int) -> str:
    return f"{max_bytes // (1024 * 1024)}MB" if max_bytes >= 1024 * 1024 else f"{max_bytes // 1024}KB"


def validate_upload(file, *, kinds=IMAGE_OR_PDF, max_bytes: int | None = None) -> UploadKind:
    """The kind of an uploaded file judged by its content (never its name); ValidationError if refused.

    An image is re-encoded in place: afterwards `file` holds the re-encoded image, and that is what gets stored.
    """
    max_bytes = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    labels = "、".join(kind.extension.upper() for kind in kinds)
    if file.size > max_bytes:
        raise ValidationError(f"文件不能超过{_size_label(max_bytes)}", code="too_large")
    if file.size == 0:
        raise ValidationError("文件是空的，请重新选择", code="empty")
    file.seek(0)
    head = file.read(_HEAD_BYTES)
    file.seek(0)
    guess = filetype.guess(head)
    kind = next((kind for kind in kinds if guess is not None and guess.mime == kind.content_type), None)
    if kind is None:
        raise ValidationError(f"文件格式不支持，请上传{labels}文件", code="bad_type")
    if kind == PDF:
        _refuse_active_pdf(file.read())
        file.seek(0)
    else:
        _replace_content(file, _reencoded_image(file, kind))
    return kind


# ---------------------------------------------------------------------------------------------- images


def _reencoded_image(file, kind: UploadKind) -> bytes:
    """The image decoded in full and encoded again as `kind`, with nothing of the original file but its pixels."""
    try:
        with Image.open(file) as image:
            image.verify()
        file.seek(0)
        with Image.open(file) as image:
            if image.width * image.height > MAX_IMAGE_PIXELS:
                raise _TooManyPixels
            image.load()
            upright = _upright(image)
            if kind == JPEG and upright.mode not in ("L", "RGB"):
                upright = upright.convert("RGB")
            upright.info.clear()  # else Pillow writes the ICC profile and the JPEG comment back
            output = io.BytesIO()
            if kind == JPEG:
                upright.save(output, format="JPEG", quality=90)
            else:
                upright.save(output, format="PNG")
    except (_TooManyPixels, Image.DecompressionBombError, Image.DecompressionBombWarning):
        # The warning is an exception only where warnings are made errors; either way the image is too large.
        raise ValidationError(
            f"图片尺寸过大（不能超过{MAX_IMAGE_PIXELS // 10_000}万像素），请缩小后重新上传", code="too_many_pixels"
        ) from None
    except Exception:
        # A hostile file can make a decoder fail in many ways (OSError, SyntaxError, struct.error, MemoryError …);
        # whatever the way, it is not an image we can keep.
        raise ValidationError("图片文件已损坏，请重新上传", code="broken") from None
    finally:
        file.seek(0)
    return output.getvalue()


class _TooManyPixels(Exception):
    pass


def _upright(image: Image.Image) -> Image.Image:
    """Turned as the camera's EXIF orientation says, since the EXIF is dropped; as it is if the EXIF is unreadable."""
    try:
        return ImageOps.exif_transpose(image)
    except Exception:
        return image


def _replace_content(file, content: bytes) -> None:
    """Overwrite an uploaded file (in memory or a temporary file that storage will move) with `content`."""
    file.seek(0)
    file.truncate()
    file.write(content)
    file.flush()
    file.seek(0)
    file.size = len(content)


# ---------------------------------------------------------------------------------------------- PDFs

# Names that make a PDF reader run code, act on opening or on events, launch or submit something, or carry files.
_ACTIVE_PDF_NAMES = {
    b"JavaScript": "脚本", b"JS": "脚本", b"OpenAction": "打开时自动执行的操作", b"AA": "自动执行的操作",
    b"Launch": "启动程序的操作", b"SubmitForm": "提交表单的操作", b"ImportData": "导入数据的操作",
    b"GoToR": "打开其他文件的操作", b"GoToE": "打开其他文件的操作", b"EmbeddedFile": "嵌入的文件",
    b"EmbeddedFiles": "嵌入的文件", b"RichMedia": "多媒体内容", b"XFA": "XFA表单",
}
_PDF_NAME = re.compile(rb"/([^\x00\t\n\f\r ()<>\[\]{}/%]+)")
_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# The keyword, not the end of `endstream` or of a name such as /Upstream.
_STREAM_START = re.compile(rb"(?<=[\x00\t\n\f\r >])stream(?:\r\n|\n|\r)")
_OBJECT_HEADER = re.compile(rb"\d+\s+\d+\s+obj")
# Object streams of a genuine PDF hold its dictionaries: a few MB at most, even for a long document.
_INFLATE_BUDGET = 32 * 1024 * 1024


def _name(token: bytes) -> bytes:
    """A PDF name as the reader sees it: /J#61vaScript is /JavaScript."""
    return _NAME_ESCAPE.sub(lambda match: bytes([int(match[1], 16)]), token) if b"#" in token else token


def _refuse_active_pdf(data: bytes) -> None:
    """ValidationError if the PDF names active content; what it covers (a scan of names, not a PDF parser):

    - every name outside stream data, in plain and #-escaped form (/J#61vaScript is /JavaScript): the dictionaries of
      an ordinary PDF, where an action, a script or an embedded file has to be declared;
    - the dictionaries inside Flate-compressed object streams (/ObjStm), inflated up to 32 MB in all; an object
      stream that does not inflate with zlib (another filter, encryption, damage) is refused, as it cannot be checked.
    Stream data itself is not scanned: image bytes, and the ASCII85 text many writers encode them in, spell /JS or
    /AA by chance in most large files. So a PDF crafted against this scan (a dictionary the cross-reference table
    points at inside stream data, a stream dictionary that hides its /ObjStm) can still pass: that is why every
    private file is served as a download in a sandbox, never as a page of this site.
    """
    bodies = _stream_bodies(data)
    starts = [start for start, _ in bodies]
    for token in _PDF_NAME.finditer(data):
        what = _ACTIVE_PDF_NAMES.get(_name(token[1]))
        if what and not _inside(bodies, starts, token.start()):
            raise _active(what)
    budget = _INFLATE_BUDGET
    previous_end = 0
    for start, end in bodies:
        # The stream's own dictionary: from its `N G obj` header (after the previous stream) to the data.
        window = data[max(previous_end, start - 4096):start]
        headers = list(_OBJECT_HEADER.finditer(window))
        dictionary = window[headers[-1].end():] if headers else window
        previous_end = end
        if b"ObjStm" not in {_name(token[1]) for token in _PDF_NAME.finditer(dictionary)}:
            continue
        inflated = _inflate(data[start:end], budget)
        budget -= len(inflated)
        for token in _PDF_NAME.finditer(inflated):
            what = _ACTIVE_PDF_NAMES.get(_name(token[1]))
            if what:
                raise _active(what)


def _stream_bodies(data: bytes) -> list[tuple[int, int]]:
    """Where stream data seems to be: from each `stream` keyword to the next `endstream` (or the end of the file)."""
    bodies = []
    position = 0
    while match := _STREAM_START.search(data, position):
        end = data.find(b"endstream", match.end())
        end = len(data) if end == -1 else end
        bodies.append((match.end(), end))
        position = end + len(b"endstream")
    return bodies


def _inside(bodies: list[tuple[int, int]], starts: list[int], position: int) -> bool:
    index = bisect_right(starts, position) - 1
    return index >= 0 and position < bodies[index][1]


def _inflate(compressed: bytes, budget: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        inflated = inflater.decompress(compressed, budget + 1)
    except zlib.error:
        raise ValidationError(
            "无法检查该PDF文件的内容（可能已加密或使用了不常见的压缩方式），请上传图片或重新导出PDF", code="unchecked_pdf"
        ) from None
    if len(inflated) > budget:
        raise ValidationError("PDF文件内容过于复杂，无法检查，请上传图片或重新导出PDF", code="unchecked_pdf")
    return inflated


def _active(what: str) -> ValidationError:
    return ValidationError(f"PDF文件含有{what}，不能上传。请上传扫描件图片或不含脚本的PDF", code="active_pdf")


def random_name(folder: str, filename: str) -> str:
    """A stored name that says nothing about the upload: folder/<random>.<extension>."""
    extension = os.path.splitext(filename)[1].lower()[:8]
    return f"{folder}/{uuid.uuid4().hex}{extension}"


@deconstructible
class PrivateStorage(FileSystemStorage):
    """Files under settings.PRIVATE_MEDIA_ROOT (read at each use, so tests may move it); they have no URL."""

    def __init__(self):
        super().__init__()

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None

    def url(self, name):
        raise ValueError("private files are served only through a view that checks access")


def private_storage() -> PrivateStorage:
    return PrivateStorage()


def private_file_response(fieldfile, *, content_type: str, download_name: str) -> FileResponse:
    """Stream a private file as a download; 404 when the file is gone. Call it only after authorising the user.

    Never inline: a PDF with script or an HTML polyglot that got past the checks must not run as a page of this site.
    """
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, as_attachment=True, filename=download_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
