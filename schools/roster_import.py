"""Reading and checking a roster file (CSV or XLSX) row by row, before anything is written.

Only checked rows leave this module; `services.roster_import` writes them. Error reasons never quote the ID number.
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree
from xml.parsers import expat

from django.core.exceptions import ValidationError

from signing_platform.validators import normalize_id_number, normalize_mobile

from .models import EducationLevel, Gender

HEADERS = ["姓名", "身份证号", "学号", "性别", "学历层次", "专业", "专业类", "院系", "毕业年份", "手机号"]
REQUIRED = {"姓名", "身份证号", "性别", "学历层次", "专业", "院系", "毕业年份"}
MAX_BYTES = 30 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 100
# An XLSX is a zip: refuse one that unpacks to far more than any roster needs (a zip bomb). The sizes are the ones
# the zip's directory declares; zipfile never inflates an entry past its declared size (and fails its CRC instead).
MAX_UNPACKED_BYTES = 400 * 1024 * 1024
# Distinct strings a full roster can hold; more would only fill memory before the row limit is reached.
_MAX_SHARED_STRINGS = (MAX_ROWS + 1) * len(HEADERS)
_LEVELS = {level.label: level.value for level in EducationLevel}
_GENDERS = {gender.label: gender.value for gender in Gender}
_YEARS = range(2000, 2101)


class RosterFileError(Exception):
    """The file as a whole cannot be read (type, encoding, headers, size)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class RosterRow:
    line: int
    name: str
    id_number: str
    student_no: str
    gender: str
    education_level: str
    major: str
    major_category: str
    college_name: str
    graduation_year: int
    mobile: str


@dataclass
class CheckedRoster:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)


def read_table(*, name: str, data: bytes) -> list[list[str]]:
    """The file's rows as lists of strings; the first is the header row."""
    if len(data) > MAX_BYTES:
        raise RosterFileError(f"文件过大，请不超过{MAX_BYTES // (1024 * 1024)}MB，或分批导入")
    if data[:4] == b"PK\x03\x04":
        return _read_xlsx(data)
    if name.lower().endswith((".xlsx", ".xls")):
        raise RosterFileError("无法读取该Excel文件，请使用导入模板另存为.xlsx格式")
    return _read_csv(data)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE_RELS = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def _read_xlsx(data: bytes) -> list[list[str]]:
    """The first sheet's cell values as text, read straight from the XML parts.

    openpyxl builds a cell object per value; streaming the sheet XML ourselves reads a 100,000-row roster several
    times faster (bench/roster_import.py). Formulas give their cached value, as Excel displays them.
    A hostile workbook is refused before it costs much: by the unpacked size its zip declares, by any DTD in its XML
    (no workbook needs one: external entities, entity bombs), by the sheet size it declares, and while streaming by
    the rows, columns and shared strings actually found.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise _too_large()
            shared = _shared_strings(archive)
            with _open_part(archive, _first_sheet_path(archive)) as sheet:
                return _sheet_rows(sheet, shared)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError, IndexError, StopIteration):
        raise RosterFileError("无法读取该Excel文件，请使用导入模板另存为.xlsx格式") from None
    except _DtdFound:
        raise RosterFileError("Excel文件中含有不允许的XML声明（DTD），无法导入，请使用导入模板另存为.xlsx格式") from None


def _too_large() -> RosterFileError:
    return RosterFileError(f"文件过大，请分批导入（每次不超过{MAX_ROWS}行、{MAX_COLUMNS}列）")


class _DtdFound(Exception):
    pass


class _PrologEnd(Exception):
    pass


def _open_part(archive: zipfile.ZipFile, name: str):
    """An XML part of the workbook, opened for reading once its prolog is known to declare no DTD."""
    parser = expat.ParserCreate()

    def doctype(*args):
        raise _DtdFound

    def root(*args):
        raise _PrologEnd

    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = root
    with archive.open(name) as part:
        try:
            while chunk := part.read(64 * 1024):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
        except _PrologEnd:
            pass
        except expat.ExpatError:
            raise ValueError(name) from None
    return archive.open(name)


def _first_sheet_path(archive: zipfile.ZipFile) -> str:
    with _open_part(archive, "xl/workbook.xml") as part:
        workbook = ElementTree.parse(part).getroot()
    relation = next(workbook.iter(f"{_MAIN}sheet")).attrib[_RELATIONSHIP]
    with _open_part(archive, "xl/_rels/workbook.xml.rels") as part:
        relations = ElementTree.parse(part).getroot()
    target = next(r for r in relations.iter(f"{_PACKAGE_RELS}Relationship") if r.attrib["Id"] == relation).attrib["Target"]
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _text(element) -> str:
    """The text of a shared or inline string: its own <t> and its runs' <t>, not the phonetic hints."""
    parts = []
    for child in element:
        if child.tag == f"{_MAIN}t":
            parts.append(child.text or "")
        elif child.tag == f"{_MAIN}r":
            parts.extend(t.text or "" for t in child.iter(f"{_MAIN}t"))
    return "".join(parts)


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    if "xl/sharedStrings.xml" not in archive.namelist():
        return []
    strings = []
    with _open_part(archive, "xl/sharedStrings.xml") as part:
        for _, element in ElementTree.iterparse(part):
            if element.tag == f"{_MAIN}si":
                if len(strings) == _MAX_SHARED_STRINGS:
                    raise _too_large()
                strings.append(_text(element))
                element.clear()
    return strings


_REFERENCE = re.compile(r"([A-Za-z]+)([0-9]*)")
_PAST_ANY_LIMIT = 26**3


def _column_index(reference: str) -> int:
    """0 for A1; a column past Excel's last (XFD), such as ZZZZZZZZZZ, is just "too many", never a number to build."""
    match = _REFERENCE.match(reference)
    if match is None:
        raise ValueError(reference)
    if len(match[1]) > 3:
        return _PAST_ANY_LIMIT
    index = 0
    for char in match[1].upper():
        index = index * 26 + ord(char) - 64
    return index - 1


def _check_dimension(reference: str) -> None:
    """The sheet's declared used range (A1:J101), read before its rows: refuse a size no roster has."""
    match = _REFERENCE.fullmatch(reference.split(":")[-1].replace("$", ""))
    if match is None or not match[2]:
        return  # no usable declaration: the limits while streaming still hold
    if _column_index(match[0]) >= MAX_COLUMNS or len(match[2]) > 7 or int(match[2]) > MAX_ROWS + 1:
        raise _too_large()


def _number_text(value: str) -> str:
    """A numeric cell as typed: 2026 not 2026.0; 1.39E+10 back to digits."""
    if value.isdigit():
        return value
    number = float(value)
    return str(int(number)) if number.is_integer() else value


def _cell_text(cell, shared: list[str]) -> str:
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        inline = cell.find(f"{_MAIN}is")
        return _text(inline) if inline is not None else ""
    raw = cell.findtext(f"{_MAIN}v") or ""
    if kind == "s":
        return shared[int(raw)]
    if kind == "n" and raw:
        return _number_text(raw)
    return raw


def _sheet_rows(sheet, shared: list[str]) -> list[list[str]]:
    rows: list[list[str]] = []
    row: list[str] = []
    for _, element in ElementTree.iterparse(sheet):
        if element.tag == f"{_MAIN}c":
            reference = element.get("r")
            column = _column_index(reference) if reference else len(row)
            if column >= MAX_COLUMNS:
                raise _too_large()
            row.extend([""] * (column + 1 - len(row)))
            row[column] = _cell_text(element, shared).strip()
        elif element.tag == f"{_MAIN}row":
            if len(rows) > MAX_ROWS:
                raise _too_large()
            rows.append(row)
            row = []
            element.clear()
        elif element.tag == f"{_MAIN}dimension":
            _check_dimension(element.get("ref", ""))
    return rows


def _read_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise RosterFileError("无法识别文件编码，请保存为UTF-8或GBK编码的CSV文件")
    try:
        return [[value.strip() for value in row] for row in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error:
        raise RosterFileError("CSV文件格式有误，请使用导入模板") from None


def check_rows(table: list[list[str]], *, college_names: set[str]) -> CheckedRoster:
    """Check every data row; a row with any problem is reported with its line number (the header is line 1)."""
    if not table or not any(table[0]):
        raise RosterFileError("文件为空，请使用导入模板填写")
    header = table[0]
    missing = [name for name in HEADERS if name in REQUIRED and name not in header]
    if missing:
        raise RosterFileError(f"缺少列：{'、'.join(missing)}。请使用导入模板（第一行为列名）")
    columns = {name: header.index(name) for name in HEADERS if name in header}
    if len(table) - 1 > MAX_ROWS:
        raise RosterFileError(f"一次最多导入{MAX_ROWS}行，请分批导入")
    checked = CheckedRoster()
    seen: dict[tuple[str, int], int] = {}
    for line, values in enumerate(table[1:], start=2):
        if not any(values):
            continue
        record = {name: values[index] if index < len(values) else "" for name, index in columns.items()}
        row, problems = _check_row(line, record, college_names)
        if row is not None:
            key = (row.id_number, row.graduation_year)
            if key in seen:
                problems.append(f"与第{seen[key]}行的身份证号和毕业年份重复")
            else:
                seen[key] = line
        if problems:
            checked.errors.append((line, "；".join(problems)))
        else:
            checked.rows.append(row)
    if not checked.rows and not checked.errors:
        raise RosterFileError("文件中没有数据行")
    return checked


def _check_row(line: int, record: dict[str, str], college_names: set[str]) -> tuple[RosterRow | None, list[str]]:
    with_nul = [column for column, value in record.items() if "\x00" in value]
    if with_nul:
        # No text may hold NUL (PostgreSQL refuses it); said alone, as the other checks would only confuse.
        return None, [f"{'、'.join(with_nul)}含有无效字符（空字符），请删除后重新导入"]
    problems = []
    name = record.get("姓名", "")
    if not name:
        problems.append("姓名不能为空")
    elif len(name) > 50:
        problems.append("姓名过长")
    id_number = ""
    try:
        id_number = normalize_id_number(record.get("身份证号", ""))
    except ValidationError as exc:
        problems.append(exc.messages[0] if record.get("身份证号") else "身份证号不能为空")
    gender = _GENDERS.get(record.get("性别", ""))
    if gender is None:
        problems.append("性别应为“男”或“女”")
    level = _LEVELS.get(record.get("学历层次", ""))
    if level is None:
        problems.append(f"学历层次应为{'、'.join(_LEVELS)}之一")
    major = record.get("专业", "")
    if not major:
        problems.append("专业不能为空")
    elif len(major) > 100:
        problems.append("专业名称过长")
    major_category = record.get("专业类", "")
    if len(major_category) > 100:
        problems.append("专业类名称过长")
    college_name = record.get("院系", "")
    if not college_name:
        problems.append("院系不能为空")
    elif college_name not in college_names:
        problems.append(f"院系“{college_name[:30]}”不存在，请先由平台管理员添加")
    year = record.get("毕业年份", "")
    graduation_year = int(year) if year.isascii() and year.isdigit() and int(year) in _YEARS else None
    if graduation_year is None:
        problems.append("毕业年份应为4位年份，如2026")
    student_no = record.get("学号", "")
    if len(student_no) > 30:
        problems.append("学号过长")
    mobile = record.get("手机号", "")
    if mobile:
        try:
            mobile = normalize_mobile(mobile)
        except ValidationError:
            problems.append("手机号格式不正确")
    if problems:
        return None, problems
    row = RosterRow(
        line=line,
        name=name,
        id_number=id_number,
        student_no=student_no,
        gender=gender,
        education_level=level,
        major=major,
        major_category=major_category,
        college_name=college_name,
        graduation_year=graduation_year,
        mobile=mobile,
    )
    return row, []


def template_rows() -> list[list[str]]:
    """The downloadable template: the header row only, so nothing made-up can be imported by mistake."""
    return [HEADERS]
