"""去向证明: a confirmed destination as a PDF, in the agreement's look (the same embedded font and tables), with its
核验编号 and the QR code of 毕业去向核验 with that number filled in."""

from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from contracts.pdf import BODY, TITLE, _grid, _register_font, _section, _text, _when, verification_block

from . import presentation
from .models import DestinationRecord


def render_certificate(record: DestinationRecord, *, verification_url: str) -> bytes:
    """The 去向证明 of a confirmed record (the graduate's, with the school's approval time)."""
    _register_font()
    graduate = record.graduate
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
        title=f"毕业去向证明 {record.verification_no_display}", author="全国高校毕业生网上签约与毕业去向登记平台",
    )
    declared = presentation.details(record)
    pairs = [[(label, value)] for label, value in declared]
    story = [
        Paragraph("毕业去向登记证明", TITLE),
        _text(f"核验编号：{record.verification_no_display}", BODY),
        *_section("毕业生", _grid([
            [("姓名", graduate.name), ("身份证号", graduate.id_masked)],
            [("毕业院校", graduate.school.name), ("院系", graduate.college.name)],
            [("专业", graduate.major), ("学历层次", graduate.get_education_level_display())],
            [("毕业年份", graduate.graduation_year)],
        ])),
        *_section("毕业去向", _grid([
            [("毕业去向", presentation.code_label(record)), ("去向类别", record.code.get_category_display())],
            *pairs,
            [("登记时间", _when(record.submitted_at)), ("审核通过时间", _when(record.decided_at))],
        ])),
        Spacer(1, 4 * mm),
        verification_block(
            "本证明所载毕业去向已经学校审核。凭毕业生姓名与核验编号可在平台“毕业去向核验”页面核验其真实性与是否仍然有效。",
            verification_url,
        ),
    ]
    document.build(story)
    return buffer.getvalue()

