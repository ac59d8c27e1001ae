"""Uploaded files (营业执照, 解约函 …): checked by content, kept outside the web root, served by a view that checks access.

A form field calls `validate_upload(file)`; the model's FileField uses `storage=private_storage` and
`upload_to` built with `random_name`; a view that has authorised the user returns `private_file_response(...)`.
"""

import os
import uuid
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse, Http404
from django.utils.deconstruct import deconstructible
from PIL import Image, UnidentifiedImageError


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


def _size_label(max_bytes: int) -> str:
    return f"{max_bytes // (1024 * 1024)}MB" if max_bytes >= 1024 * 1024 else f"{max_bytes // 1024}KB"


def validate_upload(file, *, kinds=IMAGE_OR_PDF, max_bytes: int | None = None) -> UploadKind:
    """The kind of an uploaded file judged by its content (never its name); ValidationError if refused."""
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
    if kind.content_type.startswith("image/"):
        try:
            with Image.open(file) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise ValidationError("图片文件已损坏，请重新上传", code="broken") from None
        finally:
            file.seek(0)
    return kind


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
    """Stream a private file shown inline; 404 when the file is gone. Call it only after authorising the user."""
    try:
        handle = fieldfile.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, filename=download_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
