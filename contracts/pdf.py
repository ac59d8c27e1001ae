"""就业协议书: the signed agreement as a PDF (the three parties, the post, 档案 information, approvals, verification).

The Chinese font is a file that ships with the project (static/fonts/wqy-microhei.ttc, WenQuanYi Micro Hei, Apache-2.0)
and is embedded (subset) in every PDF, so the agreement looks the same in any viewer, with or without Chinese fonts
installed. reportlab only embeds TrueType outlines, which rules out Noto Sans CJK / Source Han Sans (CFF outlines).
"""

from functools import cache
from html import escape
from io import BytesIO

import segno
from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import Contract, ContractEvent, ContractStatus

FONT = "WenQuanYiMicroHei"
FONT_FILE = settings.BASE_DIR / "static" / "fonts" / "wqy-microhei.ttc"

RED = colors.HexColor("#b42318")
TITLE = ParagraphStyle("title", fontName=FONT, fontSize=17, leading=24, alignment=TA_CENTER, spaceAfter=2 * mm)
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=11.5, leading=16, spaceBefore=3 * mm, spaceAfter=1.5 * mm)
BODY = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13)
LABEL = ParagraphStyle("label", parent=BODY, textColor=colors.HexColor("#344054"))
SMALL = ParagraphStyle("small", fontName=FONT, fontSize=8.5, leading=12, textColor=colors.grey)
VOID_BANNER = ParagraphStyle("void", fontName=FONT, fontSize=13, leading=19, alignment=TA_CENTER, textColor=RED)

# Label, value, label, value: 170 mm, the width between A4's 20 mm margins.
COLUMNS = [33 * mm, 52 * mm, 33 * mm, 52 * mm]
LABEL_BACKGROUND = colors.HexColor("#f2f4f7")
GRID = [
    ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#98a2b3")),
    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ("TOPPADDING", (0, 0), (-1, -1), 2.5),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 3.5),
]


@cache
def _register_font() -> None:
    """Load the font once per process (reading the 5 MB file takes ~0.1 s), on the first agreement rendered."""
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_FILE), subfontIndex=0))


def _text(value, style=BODY) -> Paragraph:
    # Paragraph reads a small XML markup: user text (post names, remarks …) must not be taken for tags.
    return Paragraph(escape(str(value)) if value not in (None, "") else "—", style)


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else "—"


def _grid(rows: list[list[tuple[str, object]]]) -> Table:
    """A table of rows holding two (label, value) pairs side by side, or one pair whose value spans the row."""
    data, style = [], list(GRID)
    for index, pairs in enumerate(rows):
        if len(pairs) == 1:
            (label, value), = pairs
            data.append([_text(label, LABEL), _text(value), "", ""])
            style += [("SPAN", (1, index), (3, index)), ("BACKGROUND", (0, index), (0, index), LABEL_BACKGROUND)]
        else:
            (label1, value1), (label2, value2) = pairs
            data.append([_text(label1, LABEL), _text(value1), _text(label2, LABEL), _text(value2)])
            style += [("BACKGROUND", (column, index), (column, index), LABEL_BACKGROUND) for column in (0, 2)]
    table = Table(data, colWidths=COLUMNS)
    table.setStyle(TableStyle(style))
    return table


def _section(title: str, table: Table) -> list:
    return [Paragraph(title, HEADING), table]


def qr_png(url: str) -> bytes:
    """The QR code of `url` as a PNG, 8 pixels a module with the standard quiet zone (error correction M)."""
    buffer = BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=8, border=4)
    return buffer.getvalue()


class QrCode(Flowable):
    """A QR code of `url`, `size` wide, that is also a link to it (a click in a PDF viewer opens the check too)."""

    def __init__(self, url: str, size: float = 30 * mm):
        super().__init__()
        self.url, self.size = url, size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self):
        self.canv.drawImage(ImageReader(BytesIO(qr_png(self.url))), 0, 0, self.size, self.size)
        self.canv.linkURL(self.url, (0, 0, self.size, self.size), relative=1)


def verification_block(text: str, url: str | None) -> Table | Paragraph:
    """The closing note beside the QR code of the check (the note alone without a URL)."""
    note = Paragraph(escape(text), SMALL)
    if not url:
        return note
    table = Table([[[note, Spacer(1, 1.5 * mm), Paragraph("扫描右侧二维码可直接打开核验页面。", SMALL)], QrCode(url)]],
                  colWidths=[sum(COLUMNS) - 34 * mm, 34 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _watermark(text: str):
    def draw(canvas, document):
        canvas.saveState()
        canvas.setFont(FONT, 40)
        canvas.setFillColor(RED)
        canvas.setFillAlpha(0.14)
        width, height = document.pagesize
        canvas.translate(width / 2, height / 2)
        canvas.rotate(35)
        canvas.drawCentredString(0, 0, text)
        canvas.restoreState()

    return draw


def render_agreement(contract: Contract, *, verification_url: str | None = None) -> bytes:
    """The agreement of a contract that was signed (SIGNED, or later in termination); a TERMINATED one says it is void.
    With `verification_url` (协议书核验 with its number and code filled in) it carries that URL as a QR code."""
    _register_font()
    graduate, unit = contract.graduate, contract.unit
    events = list(
        contract.events.filter(
            action__in=[
                ContractEvent.Action.COLLEGE_APPROVE, ContractEvent.Action.SCHOOL_APPROVE,
                ContractEvent.Action.TERMINATION_APPROVE,
            ]
        ).select_related("actor")
    )
    terminated = contract.status == ContractStatus.TERMINATED
    terminated_at = max(
        (event.created_at for event in events if event.action == ContractEvent.Action.TERMINATION_APPROVE), default=None
    )

    buffer = BytesIO()
    document = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=16 * mm, bottomMargin=16 * mm,
        title=f"就业协议书 {contract.agreement_no}", author="全国高校毕业生网上签约与毕业去向登记平台",
    )
    story = [
        Paragraph("全国普通高等学校毕业生就业协议书", TITLE),
        _text(f"协议书编号：{contract.agreement_no}　　验证码：{contract.verification_code}"),
    ]
    if terminated:
        void = f"已解约，本协议已失效（解约日期：{timezone.localtime(terminated_at):%Y-%m-%d}）" if terminated_at else "已解约，本协议已失效"
        banner = Table([[_text(void, VOID_BANNER)]], colWidths=[sum(COLUMNS)])
        banner.setStyle(TableStyle([("BOX", (0, 0), (-1, -1), 1.2, RED), ("TOPPADDING", (0, 0), (-1, -1), 4),
                                    ("BOTTOMPADDING", (0, 0), (-1, -1), 6)]))
        story += [Spacer(1, 2 * mm), banner]
    parties = [
        _section("甲方（用人单位）", _grid([
            [("单位名称", unit.name)],
            [("统一社会信用代码", unit.credit_code), ("签约联系人", contract.contact_name)],
        ])),
        _section("乙方（毕业生）", _grid([
            [("姓名", graduate.name), ("身份证号", graduate.id_masked)],
            [("毕业院校", contract.school.name), ("院系", contract.college.name)],
            [("专业", graduate.major), ("学历层次", graduate.get_education_level_display())],
            [("毕业年份", contract.graduation_year)],
        ])),
        _section("丙方（学校）", _grid([[("学校名称", contract.school.name), ("学校代码", contract.school.code)]])),
        _section("岗位信息", _grid([
            [("拟录用职位类别", contract.job_category.name), ("拟录用岗位名称", contract.post_name)],
            [("工作地点", contract.work_location), ("薪酬", contract.salary)],
            [("备注", contract.remarks)],
        ])),
    ]
    closing = [
        *_section("档案接收信息", _grid([
            [("是否具有人事档案管理权限", {True: "是", False: "否"}.get(contract.archive_has_authority)),
             ("邮政编码", contract.archive_postcode)],
            [("档案接收单位名称", contract.archive_receiver_name)],
            [("地址", contract.archive_address)],
            [("联系人及电话", f"{contract.archive_contact_name} {contract.archive_contact_phone}".strip())],
        ])),
        *_section("签约与审核", _grid(
            [[("单位发起邀请", _when(contract.created_at)), ("学生应约", _when(contract.accepted_at))]]
            + [[(event.get_action_display(), f"{_when(event.created_at)}（{event.actor_label}）")] for event in events]
        )),
        Spacer(1, 4 * mm),
        verification_block(
            "本协议经用人单位发起、毕业生网上应约、学校审核通过后生效。凭协议书编号与验证码可在平台“协议书核验”页面核验本协议的真实性。",
            verification_url,
        ),
    ]
    # A heading never ends a page without its table; and when long free text fills the first page, the approvals move
    # on together with the 档案 section and the closing note, so no page holds the approvals table alone.
    story += [KeepTogether(section) for section in parties] + [KeepTogether(closing)]
    if terminated:
        watermark = _watermark("已解约 本协议已失效")
        document.build(story, onFirstPage=watermark, onLaterPages=watermark)
    else:
        document.build(story)
    return buffer.getvalue()
