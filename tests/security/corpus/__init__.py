"""The upload corpus of the attack suite: hostile files, each built in code (nothing binary is committed).

`CORPUS` lists them; `.content()` gives a file's bytes, built once per process (the bomb and the zip bomb take a
second or two, and the 40 MB file is never committed). `python -m tests.security.corpus <folder>` writes them all
into a folder, to try them by hand on a running site. tests/security/test_upload_corpus.py sends each one to every
upload field of the site.

Each file is refused by every field, except where it is valid once neutralised: `accepted_by` names those fields,
and the test checks what was stored instead (the re-encoded image without its payload, formulas kept as data).
"""

import functools
import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

from signing_platform.validators import id_number_check_char

LICENCE, LETTER, ROSTER = "licence", "letter", "roster"
HEADER = "姓名,身份证号,学号,性别,学历层次,专业,专业类,院系,毕业年份,手机号"
# What a formula cell looks like in the files people import (no commas: the CSV is written plainly); kept as data,
# neutralised in any file we write.
FORMULAS = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1+1)*cmd|' /C calc'!A0", "=HYPERLINK(\"http://evil.example\")"]
SCRIPT = b"<html><body><script>alert(document.cookie)</script></body></html>"


@dataclass(frozen=True)
class Hostile:
    name: str
    make: Callable[[], bytes]
    content_type: str
    accepted_by: frozenset[str] = frozenset()

    def content(self) -> bytes:
        return _built(self.make)

    def __str__(self):
        return self.name


@functools.cache
def _built(make: Callable[[], bytes]) -> bytes:
    return make()


def id_number(n: int) -> str:
    """A valid ID number (check character included), distinct for n < 1000."""
    first17 = f"11010520030517{n:03d}"
    return first17 + id_number_check_char(first17)


# ------------------------------------------------------------------------------------------------ images


def png(size=(32, 24), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "white" if mode != "1" else 0).save(buffer, format="PNG")
    return buffer.getvalue()


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_html_polyglot() -> bytes:
    """A valid PNG that is also an HTML page to a browser that sniffs: script in a text chunk and after IEND."""
    image = png()
    iend = image.rindex(b"IEND") - 4
    return image[:iend] + _png_chunk(b"tEXt", b"Comment\x00" + SCRIPT) + image[iend:] + SCRIPT


def png_bomb() -> bytes:
    """400 million pixels in 48 KB: decoded, 400 MB (1-bit) or 1.6 GB (RGBA)."""
    return png(size=(20_000, 20_000), mode="1")


def jpeg_with_exif() -> bytes:
    """A photo that tells where it was taken (GPS) and by whom: nothing of it may be kept."""
    image = Image.new("RGB", (40, 30), "red")
    exif = image.getexif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x013B] = "张三"  # Artist
    exif[0x8825] = {1: "N", 2: (39.0, 54.0, 0.0)}  # GPSInfo
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif.tobytes(), comment=SCRIPT)
    return buffer.getvalue()


def truncated_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 64).convert("RGB").save(buffer, format="JPEG")
    data = buffer.getvalue()
    return data[: len(data) // 2]


def truncated_png() -> bytes:
    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 64).save(buffer, format="PNG")
    data = buffer.getvalue()
    return data[: len(data) // 2]


def zip_as_png() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ\x90\x00" + b"\x00" * 64)
    return buffer.getvalue()


def svg_with_script() -> bytes:
    return (
        b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)" width="10" height="10">'
        b"<script>alert(document.domain)</script></svg>\n"
    )


def forty_megabytes() -> bytes:
    """A PNG signature and 40 MB more: past every size limit of the site."""
    return png() + b"\x00" * (40 * 1024 * 1024)


# ------------------------------------------------------------------------------------------------ PDFs


def pdf(catalog: bytes = b"", extra_objects: bytes = b"") -> bytes:
    """A minimal PDF whose catalog dictionary holds `catalog`."""
    return (
        b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
        b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n"
        + extra_objects + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def pdf_javascript() -> bytes:
    return pdf(b"/Names << /JavaScript << /Names [(x) << /S /JavaScript /JS (app.alert(1)) >>] >> >>")


def pdf_open_action() -> bytes:
    return pdf(b"/OpenAction << /S /JavaScript /JS (this.exportDataObject({cName: 'a'})) >>")


def pdf_launch() -> bytes:
    return pdf(b"/OpenAction << /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >>")


def pdf_hex_escaped() -> bytes:
    """/OpenAction and /JavaScript spelt with #-escapes, as a reader still understands them."""
    return pdf(b"/Op#65nAction << /S /J#61vaScript /J#53 (app.alert(1)) >>")


def pdf_object_stream() -> bytes:
    """The catalog's action hidden in a Flate-compressed object stream, where no byte scan of the file sees it."""
    objects = b"4 0 << /S /JavaScript /JS (app.alert(1)) >>"
    compressed = zlib.compress(objects)
    stream = (
        b"5 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length " + str(len(compressed)).encode()
        + b" >>\nstream\n" + compressed + b"\nendstream\nendobj\n"
    )
    return pdf(b"/AcroForm 4 0 R", extra_objects=stream)


def pdf_embedded_file() -> bytes:
    return pdf(b"/Names << /EmbeddedFiles << /Names [(a.exe) << /Type /Filespec /EF << /F 4 0 R >> >>] >> >>")


# ------------------------------------------------------------------------------------------------ XLSX


def xlsx(sheet: bytes, shared_strings: bytes | None = None, *, bomb_part: bool = False) -> bytes:
    """A workbook written part by part, so each part can be as hostile as needed."""
    main = b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    relationships = b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(
            "[Content_Types].xml", b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
        )
        archive.writestr(
            "xl/workbook.xml",
            b"<workbook " + main + b" " + relationships + b'><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets>'
            b"</workbook>",
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            b'<Relationship Id="rId1" Type="worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet.replace(b"<worksheet>", b"<worksheet " + main + b">"))
        if shared_strings is not None:
            archive.writestr("xl/sharedStrings.xml", shared_strings.replace(b"<sst>", b"<sst " + main + b">"))
        if bomb_part:
            # 401 MB of spaces, deflated to ~400 KB: past the 400 MB the import allows a workbook to unpack to.
            with archive.open("xl/media/padding.xml", "w", force_zip64=True) as part:
                chunk = b" " * (1024 * 1024)
                for _ in range(401):
                    part.write(chunk)
    return buffer.getvalue()


def inline_row(number: int, values: list[str]) -> bytes:
    cells = b"".join(
        b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (bytes([65 + i]), number, value.encode())
        for i, value in enumerate(values)
    )
    return b'<row r="%d">%s</row>' % (number, cells)


def roster_sheet(extra: bytes = b"", dimension: bytes = b"A1:J2") -> bytes:
    row = ["学生甲", id_number(901), "1", "男", "本科", "软件工程", "", "计算机学院", "2026", ""]
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<worksheet><dimension ref="' + dimension + b'"/><sheetData>'
        + inline_row(1, HEADER.split(",")) + inline_row(2, row) + extra + b"</sheetData></worksheet>"
    )


def xlsx_xxe() -> bytes:
    """An external entity that would read /etc/passwd into a cell."""
    sheet = roster_sheet().replace(
        b"<worksheet>", b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<worksheet>'
    ).replace("<t>学生甲</t>".encode(), b"<t>&xxe;</t>")
    return xlsx(sheet)


def xlsx_billion_laughs() -> bytes:
    """Ten levels of entities, each ten of the one below: 10^9 'lol's from 1 KB of shared strings."""
    entities = b'<!ENTITY lol0 "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (level, b"&lol%d;" % (level - 1) * 10) for level in range(1, 10)
    )
    strings = b'<?xml version="1.0"?>\n<!DOCTYPE sst [' + entities + b"]>\n<sst><si><t>&lol9;</t></si></sst>"
    return xlsx(roster_sheet(), strings)


def xlsx_absurd_dimension() -> bytes:
    """A sheet that declares, and has, a cell in column ZZZZZZZZZZ: building that row once took all memory."""
    cell = b'<row r="3"><c r="ZZZZZZZZZZ3" t="inlineStr"><is><t>x</t></is></c></row>'
    return xlsx(roster_sheet(cell, dimension=b"A1:ZZZZZZZZZZ2"))


def xlsx_zip_bomb() -> bytes:
    return xlsx(roster_sheet(), bomb_part=True)


# ------------------------------------------------------------------------------------------------ CSV


def _roster_csv(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    return "\r\n".join([HEADER, *(",".join(row) for row in rows)]).encode(encoding)


def _valid_row(n: int, name: str, **changes) -> list[str]:
    row = {"姓名": name, "身份证号": id_number(n), "学号": str(n), "性别": "女", "学历层次": "本科", "专业": "软件工程",
           "专业类": "", "院系": "计算机学院", "毕业年份": "2026", "手机号": ""}
    return list({**row, **changes}.values())


def csv_nul() -> bytes:
    """A NUL inside a cell: PostgreSQL refuses it mid-COPY."""
    return _roster_csv([_valid_row(911, "学生乙"), _valid_row(912, "学\x00生丙")])


def csv_formulas() -> bytes:
    """Formula-looking text in every free-text column: valid rows, kept as data."""
    return _roster_csv([_valid_row(920 + i, text, 专业=text, 学号=text[:30]) for i, text in enumerate(FORMULAS)])


def csv_gbk() -> bytes:
    """GBK (as Excel saves CSV on Chinese Windows) with a formula, a NUL and a bad ID number in it."""
    rows = [_valid_row(931, "=cmd|' /C calc'!A0"), _valid_row(932, "学生\x00丁"),
            _valid_row(933, "学生戊", 身份证号="110101200001011234")]
    return _roster_csv(rows, encoding="gbk")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMAGES = frozenset({LICENCE, LETTER})
CORPUS = [
    Hostile("zip-as-png.png", zip_as_png, "image/png"),
    Hostile("svg-with-script.svg", svg_with_script, "image/svg+xml"),
    Hostile("svg-with-script-named.png", svg_with_script, "image/png"),
    Hostile("png-decompression-bomb.png", png_bomb, "image/png"),
    Hostile("png-html-polyglot.png", png_html_polyglot, "image/png", accepted_by=IMAGES),
    Hostile("jpeg-with-exif-and-comment.jpg", jpeg_with_exif, "image/jpeg", accepted_by=IMAGES),
    Hostile("truncated.jpg", truncated_jpeg, "image/jpeg"),
    Hostile("truncated.png", truncated_png, "image/png"),
    Hostile("forty-megabytes.png", forty_megabytes, "image/png"),
    Hostile("pdf-javascript.pdf", pdf_javascript, "application/pdf"),
    Hostile("pdf-openaction.pdf", pdf_open_action, "application/pdf"),
    Hostile("pdf-launch.pdf", pdf_launch, "application/pdf"),
    Hostile("pdf-hex-escaped-javascript.pdf", pdf_hex_escaped, "application/pdf"),
    Hostile("pdf-javascript-in-object-stream.pdf", pdf_object_stream, "application/pdf"),
    Hostile("pdf-embedded-file.pdf", pdf_embedded_file, "application/pdf"),
    Hostile("xlsx-xxe.xlsx", xlsx_xxe, XLSX),
    Hostile("xlsx-billion-laughs.xlsx", xlsx_billion_laughs, XLSX),
    Hostile("xlsx-absurd-dimension.xlsx", xlsx_absurd_dimension, XLSX),
    Hostile("xlsx-zip-bomb.xlsx", xlsx_zip_bomb, XLSX),
    Hostile("csv-nul.csv", csv_nul, "text/csv"),
    Hostile("csv-formulas.csv", csv_formulas, "text/csv", accepted_by=frozenset({ROSTER})),
    Hostile("csv-gbk.csv", csv_gbk, "text/csv"),
]
