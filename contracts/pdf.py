"""就业协议书: the signed agreement as a PDF (the three parties, the post, 档案 information, approvals, verification)."""

from io import BytesIO

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import Contract, ContractEvent

FONT = "STSong-Light"  # a CID font built into reportlab: Chinese text without shipping a font file
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

TITLE = ParagraphStyle("title", fontName=FONT, fontSize=18, leading=26, alignment=TA_CENTER, spaceAfter=4 * mm)
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=12, leading=18, spaceBefore=4 * mm, spaceAfter=2 * mm)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=15)
SMALL = ParagraphStyle("small", fontName=FONT, fontSize=8.5, leading=12, textColor=colors.grey)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def _table(rows: list[tuple[str, str]]) -> Table:
    table = Table([[Paragraph(k, BODY), Paragraph(v or "—", BODY)] for k, v in rows], colWidths=[42 * mm, 128 * mm])
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#98a2b3")),
                ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f4f7")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return table


def render_agreement(contract: Contract) -> bytes:
    """The agreement of a contract that was signed (SIGNED, or later in termination)."""
    graduate, unit = contract.graduate, contract.unit
    approvals = contract.events.filter(
        action__in=[ContractEvent.Action.COLLEGE_APPROVE, ContractEvent.Action.SCHOOL_APPROVE]
    ).select_related("actor")
    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=f"就业协议书 {contract.agreement_no}", author="全国高校毕业生网上签约与毕业去向登记平台",
    )
    story = [
        Paragraph("全国普通高等学校毕业生就业协议书", TITLE),
        Paragraph(f"协议书编号：{contract.agreement_no}　　验证码：{contract.verification_code}", BODY),
        Paragraph("甲方（用人单位）", HEADING),
        _table([("单位名称", unit.name), ("统一社会信用代码", unit.credit_code), ("签约联系人", contract.contact_name)]),
        Paragraph("乙方（毕业生）", HEADING),
        _table([
            ("姓名", graduate.name), ("身份证号", graduate.id_masked), ("毕业院校", contract.school.name),
            ("院系", contract.college.name), ("专业", graduate.major), ("学历层次", graduate.get_education_level_display()),
            ("毕业年份", str(contract.graduation_year)),
        ]),
        Paragraph("丙方（学校）", HEADING),
        _table([("学校名称", contract.school.name), ("学校代码", contract.school.code)]),
        Paragraph("岗位信息", HEADING),
        _table([
            ("拟录用职位类别", contract.job_category.name), ("拟录用岗位名称", contract.post_name),
            ("工作地点", contract.work_location), ("薪酬", contract.salary), ("备注", contract.remarks),
        ]),
        Paragraph("档案接收信息", HEADING),
        _table([
            ("是否具有人事档案管理权限", {True: "是", False: "否"}.get(contract.archive_has_authority, "—")),
            ("档案接收单位名称", contract.archive_receiver_name), ("地址", contract.archive_address),
            ("邮政编码", contract.archive_postcode),
            ("联系人及电话", f"{contract.archive_contact_name} {contract.archive_contact_phone}".strip()),
        ]),
        Paragraph("签约与审核", HEADING),
        _table(
            [("单位发起邀请", _when(contract.created_at)), ("学生应约", _when(contract.accepted_at))]
            + [(event.get_action_display(), f"{_when(event.created_at)}（{event.actor_label}）") for event in approvals]
        ),
        Spacer(1, 6 * mm),
        Paragraph(
            "本协议经用人单位发起、毕业生网上应约、学校审核通过后生效。凭协议书编号与验证码可在平台核验本协议的真实性。", SMALL
        ),
    ]
    document.build(story)
    return buffer.getvalue()
