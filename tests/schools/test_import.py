import io
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from schools import roster_import
from schools.models import Graduate
from signing_platform.accounts.models import AuditEvent
from signing_platform.crypto import id_number_hash
from tests.security import corpus

from .factories import make_id_number

URL = reverse("schools:roster_import")
HEADER = "姓名,身份证号,学号,性别,学历层次,专业,专业类,院系,毕业年份,手机号"


def good_lines(count=3, start=100):
    return [
        f"学生{i},{make_id_number(i)},2022{i:04d},{'男' if i % 2 else '女'},本科,软件工程,计算机类,计算机学院,2026,139{i:08d}"
        for i in range(start, start + count)
    ]


def csv_file(lines, *, encoding="utf-8", name="roster.csv"):
    return SimpleUploadedFile(name, "\r\n".join([HEADER, *lines]).encode(encoding), content_type="text/csv")


def xlsx_file(lines):
    workbook = Workbook()
    sheet = workbook.active
    for line in [HEADER, *lines]:
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("roster.xlsx", buffer.getvalue())


def upload(client, cast, file, **extra):
    client.force_login(cast.school_reviewer.user)
    return client.post(URL, {"file": file, **extra})


@pytest.mark.parametrize(
    "make_file",
    [
        lambda lines: csv_file(lines),
        lambda lines: csv_file(lines, encoding="utf-8-sig"),
        lambda lines: csv_file(lines, encoding="gbk"),
        xlsx_file,
    ],
    ids=["utf8", "utf8-bom", "gbk", "xlsx"],
)
def test_a_good_file_imports_every_row(client, cast, make_file):
    response = upload(client, cast, make_file(good_lines()))
    assert "新增 3 条" in response.content.decode()
    graduate = Graduate.objects.get(id_hash=id_number_hash(make_id_number(101)))
    assert graduate.name == "学生101" and graduate.gender == "male" and graduate.college == cast.cs
    assert graduate.school == cast.school and graduate.mobile == "13900000101"
    assert AuditEvent.objects.get(action="roster.import").detail["created"] == 3


def test_bad_rows_are_reported_with_line_and_reason_and_nothing_is_written(client, cast):
    lines = good_lines(2)
    lines.insert(1, f"坏行,{make_id_number(5)[:-1]}0,1,男,本科,软件工程,,计算机学院,2026,")  # wrong check char
    lines.append(f"学生9,{make_id_number(9)},9,未知,学士,软件工程,,不存在学院,26,12345")
    lines.append(f"学生100,{make_id_number(100)},1,女,本科,软件工程,,计算机学院,2026,")  # duplicate of line 2
    lines.append("学生10,19491231002X,1,男,本科,软件工程,,计算机学院,2026,")
    response = upload(client, cast, csv_file(lines))
    html = response.content.decode()
    assert "文件中有 4 行有误，未导入任何数据" in html
    assert "<td>第3行</td><td>身份证号校验位不正确，请核对</td>" in html
    assert (
        "<td>第5行</td><td>性别应为“男”或“女”；学历层次应为专科、本科、硕士研究生、博士研究生之一；"
        "院系“不存在学院”不存在，请先由平台管理员添加；毕业年份应为4位年份，如2026；手机号格式不正确</td>" in html
    )
    assert "<td>第6行</td><td>与第2行的身份证号和毕业年份重复</td>" in html
    assert "<td>第7行</td><td>身份证号应为18位，最后一位可以是数字或X</td>" in html
    assert make_id_number(5)[:-1] not in html
    assert Graduate.objects.count() == 3  # the cast's three
    assert not AuditEvent.objects.exists()


def test_the_reviewer_may_import_only_the_good_rows(client, cast):
    lines = [*good_lines(2), "坏行,123,1,男,本科,软件工程,,计算机学院,2026,"]
    html = upload(client, cast, csv_file(lines), skip_bad_rows="on").content.decode()
    assert "新增 2 条" in html and "跳过有误的行 1 行" in html and "<td>第4行</td>" in html
    assert Graduate.objects.filter(school=cast.school).count() == 4


def test_reimporting_the_same_file_changes_nothing_and_a_change_updates_in_place(client, cast):
    upload(client, cast, csv_file(good_lines()))
    before = {g.pk: (g.id_encrypted, g.updated_at) for g in Graduate.objects.all()}
    html = upload(client, cast, csv_file(good_lines())).content.decode()
    assert "新增 0 条，更新 0 条，未变化 3 条" in html
    assert {g.pk: (g.id_encrypted, g.updated_at) for g in Graduate.objects.all()} == before
    changed = [line.replace("软件工程", "网络工程") if "学生101" in line else line for line in good_lines()]
    changed = [line.replace("计算机学院", "数学学院") if "学生102" in line else line for line in changed]
    assert "新增 0 条，更新 2 条，未变化 1 条" in upload(client, cast, csv_file(changed)).content.decode()
    assert Graduate.objects.get(name="学生101").major == "网络工程"
    assert Graduate.objects.get(name="学生102").college == cast.math
    assert Graduate.objects.count() == 6


def test_the_same_person_in_another_year_is_another_entry(client, cast):
    upload(client, cast, csv_file(good_lines(1)))
    upload(client, cast, csv_file([line.replace(",2026,", ",2027,") for line in good_lines(1)]))
    assert Graduate.objects.filter(name="学生100").count() == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("姓名,学号\r\n张三,1".encode(), "缺少列：身份证号、性别、学历层次、专业、院系、毕业年份"),
        (HEADER.encode(), "文件中没有数据行"),
        (b"", "文件为空"),
        (b"\xff\xfe\x00\xd8garbage\x81", "无法识别文件编码"),
    ],
)
def test_an_unreadable_file_is_refused_next_to_the_field(client, cast, content, message):
    response = upload(client, cast, SimpleUploadedFile("roster.csv", content))
    assert response.status_code == 200 and message in response.content.decode()


def test_a_broken_xlsx_is_refused(client, cast):
    response = upload(client, cast, SimpleUploadedFile("roster.xlsx", b"PK\x03\x04broken"))
    assert "无法读取该Excel文件" in response.content.decode()


def test_import_is_for_school_reviewers_only(client, cast):
    client.force_login(cast.college_reviewer.user)
    assert client.get(URL).status_code == 404
    assert client.post(URL, {"file": csv_file(good_lines())}).status_code == 404
    assert Graduate.objects.count() == 3
    assert client.get(reverse("schools:roster_template")).status_code == 404


def test_template_has_the_chinese_headers(client, cast):
    client.force_login(cast.school_reviewer.user)
    response = client.get(reverse("schools:roster_template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [cell.value for cell in sheet[1]] == HEADER.split(",")
    csv_response = client.get(reverse("schools:roster_template"), {"format": "csv"})
    assert csv_response.content.decode("utf-8-sig").strip() == HEADER
    assert client.post(reverse("schools:roster_template")).status_code == 405


def test_xlsx_with_numbers_empty_cells_and_inline_strings(client, cast):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("生源")
    sheet.append(HEADER.split(","))
    sheet.append(["学生1", make_id_number(1), 2022001, "女", "硕士研究生", "软件工程", None, "数学学院", 2026, 13900000001])
    sheet.append([None] * 10)
    sheet.append(["学生2", make_id_number(2), None, "男", "博士研究生", "软件工程", None, "计算机学院", 2027.0, None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    html = upload(client, cast, SimpleUploadedFile("roster.xlsx", buffer.getvalue())).content.decode()
    assert "新增 2 条" in html
    first = Graduate.objects.get(name="学生1")
    assert (first.student_no, first.mobile, first.college, first.education_level) == ("2022001", "13900000001", cast.math, "master")
    second = Graduate.objects.get(name="学生2")
    assert (second.graduation_year, second.student_no, second.major_category) == (2027, "", "")


# ------------------------------------------------------------------------------------------------ hostile files


def test_a_nul_in_a_csv_cell_is_a_bad_row_with_its_line_and_nothing_is_written(client, cast):
    lines = good_lines(3)
    lines[1] = lines[1].replace("学生101", "学生\x00101")
    html = upload(client, cast, csv_file(lines)).content.decode()
    assert "<td>第3行</td><td>姓名含有无效字符（空字符），请删除后重新导入</td>" in html
    assert "文件中有 1 行有误，未导入任何数据" in html
    assert Graduate.objects.count() == 3  # the cast's three


def test_with_skip_bad_rows_the_row_with_a_nul_is_skipped_and_the_others_imported(client, cast):
    lines = good_lines(3)
    lines[2] = lines[2].replace("软件工程", "软件\x00工程", 1)
    html = upload(client, cast, csv_file(lines), skip_bad_rows="on").content.decode()
    assert "新增 2 条" in html and "<td>第4行</td><td>专业含有无效字符（空字符），请删除后重新导入</td>" in html


def test_formula_text_is_kept_as_data(client, cast):
    lines = [line.replace("学生100", "=cmd|' /C calc'!A0").replace("计算机类", "@SUM(1+1)") for line in good_lines(1)]
    assert "新增 1 条" in upload(client, cast, csv_file(lines)).content.decode()
    graduate = Graduate.objects.get(id_hash=id_number_hash(make_id_number(100)))
    assert (graduate.name, graduate.major_category) == ("=cmd|' /C calc'!A0", "@SUM(1+1)")


def hostile_xlsx(client, cast, *args, **kwargs):
    return upload(client, cast, SimpleUploadedFile("roster.xlsx", corpus.xlsx(*args, **kwargs))).content.decode()


def test_the_corpus_workbook_imports_when_nothing_in_it_is_hostile(client, cast):
    assert "新增 1 条" in hostile_xlsx(client, cast, corpus.roster_sheet())


TOO_LARGE = "文件过大，请分批导入（每次不超过200000行、100列）"


@pytest.mark.parametrize(
    ("extra", "dimension"),
    [
        (b"", b"A1:ZZZZZZZZZZ2"),
        (b"", b"A1:J200002"),
        (b"", b"A1:CW2"),
        (b'<row r="3"><c r="ZZZZZZZZZZ3" t="inlineStr"><is><t>x</t></is></c></row>', b"A1:J3"),
        (b'<row r="3"><c r="CW3"><v>1</v></c></row>', b"A1:J3"),
        (b'<row r="3">' + b"<c><v>1</v></c>" * 101 + b"</row>", b"A1"),
    ],
    ids=["declared ZZZZZZZZZZ2", "declared 200,001 rows", "declared 101 columns", "a cell in column ZZZZZZZZZZ",
         "a cell in column 101", "101 cells without references"],
)
def test_a_workbook_of_absurd_size_is_refused_before_its_rows_are_built(client, cast, extra, dimension):
    assert TOO_LARGE in hostile_xlsx(client, cast, corpus.roster_sheet(extra, dimension))
    assert Graduate.objects.count() == 3


def test_rows_past_the_limit_are_refused_while_reading(client, cast, monkeypatch):
    monkeypatch.setattr(roster_import, "MAX_ROWS", 2)
    rows = b"".join(corpus.inline_row(n, ["x"]) for n in range(3, 6))
    assert "文件过大，请分批导入（每次不超过2行" in hostile_xlsx(client, cast, corpus.roster_sheet(rows, dimension=b"A1"))


def test_shared_strings_past_what_a_roster_holds_are_refused(client, cast, monkeypatch):
    monkeypatch.setattr(roster_import, "_MAX_SHARED_STRINGS", 3)
    strings = b"<sst>" + b"".join(b"<si><t>%d</t></si>" % n for n in range(4)) + b"</sst>"
    assert TOO_LARGE in hostile_xlsx(client, cast, corpus.roster_sheet(), strings)


def test_a_zip_bomb_is_refused_by_the_sizes_its_directory_declares(client, cast, monkeypatch):
    monkeypatch.setattr(roster_import, "MAX_UNPACKED_BYTES", 100_000)
    rows = b'<row r="3"><c r="A3"><v>1</v></c></row>' * 5000
    assert TOO_LARGE in hostile_xlsx(client, cast, corpus.roster_sheet(rows))


DTD = "Excel文件中含有不允许的XML声明（DTD），无法导入"


@pytest.mark.parametrize("make", [corpus.xlsx_xxe, corpus.xlsx_billion_laughs], ids=["xxe", "billion laughs"])
def test_xml_entities_are_refused_at_once(client, cast, make):
    started = time.monotonic()
    html = upload(client, cast, SimpleUploadedFile("roster.xlsx", make())).content.decode()
    assert DTD in html and "root:" not in html and "lollol" not in html
    assert time.monotonic() - started < 2 and Graduate.objects.count() == 3


def test_a_dtd_in_any_part_of_the_workbook_is_refused(client, cast):
    doctype = b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "A">]>\n'
    assert DTD in hostile_xlsx(client, cast, corpus.roster_sheet(), doctype + b"<sst><si><t>&a;</t></si></sst>")
    utf16 = ('<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE sst [<!ENTITY a "A">]><sst><si><t>&a;</t></si></sst>')
    assert DTD in hostile_xlsx(client, cast, corpus.roster_sheet(), utf16.encode("utf-16"))


def test_the_template_writers_neutralise_formula_text(client, cast, monkeypatch):
    monkeypatch.setattr(roster_import, "template_rows", lambda: [HEADER.split(","), ["=cmd|' /C calc'!A0", 2026, "-1"]])
    client.force_login(cast.school_reviewer.user)
    sheet = load_workbook(io.BytesIO(client.get(reverse("schools:roster_template")).content)).active
    assert [cell.value for cell in sheet[2][:3]] == ["'=cmd|' /C calc'!A0", 2026, "'-1"]
    text = client.get(reverse("schools:roster_template"), {"format": "csv"}).content.decode("utf-8-sig")
    assert text.splitlines()[1] == "'=cmd|' /C calc'!A0,2026,'-1"
