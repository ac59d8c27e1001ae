from django.db import models
from django.utils import timezone


class DestinationCode(models.TextChoices):
    """毕业去向 codes of SPEC §5 (the national classification)."""

    AGREEMENT = "10", "签就业协议形式就业"
    LABOR_CONTRACT = "11", "签劳动合同形式就业"
    OTHER_EMPLOYMENT = "12", "其他录用形式就业"
    RESEARCH_ASSISTANT = "271", "科研助理、管理助理"
    CONSCRIPT = "46", "应征义务兵"
    SANZHI_YIFU = "502", "国家基层项目—三支一扶"
    WEST_PLAN = "503", "国家基层项目—西部计划"
    SELECTED_GRADUATE = "512", "地方基层项目—地方选调生"
    OTHER_LOCAL_PROJECT = "519", "其他地方基层项目"
    ENTREPRENEUR = "75", "自主创业"
    FREELANCE = "76", "自由职业"
    POSTGRADUATE = "801", "境内升学—研究生"
    SECOND_BACHELOR = "802", "境内升学—第二学士学位"
    ABROAD = "85", "境外留学"
    SEEKING = "70", "待就业"
    PREPARING_EXAM = "71", "不就业拟升学"
    OTHER_NOT_EMPLOYED = "72", "其他暂不就业"


class Destination(models.Model):
    """The current 毕业去向 of a roster entry; no code means 未落实 (unregistered).

    Code 10 is set and cleared by the signing platform itself (SIGNED / TERMINATED); registration of the other codes
    by the graduate, with proof and review, is not built yet.
    """

    graduate = models.OneToOneField(
        "schools.Graduate", verbose_name="毕业生", on_delete=models.CASCADE, related_name="destination"
    )
    code = models.CharField("毕业去向", max_length=3, choices=DestinationCode.choices, blank=True)
    contract = models.ForeignKey(
        "contracts.Contract", verbose_name="就业协议", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "毕业去向"
        verbose_name_plural = "毕业去向"
        constraints = [
            models.CheckConstraint(
                name="destination_agreement_has_contract",
                condition=~models.Q(code=DestinationCode.AGREEMENT) | models.Q(contract__isnull=False),
            ),
            models.CheckConstraint(name="destination_code_valid", condition=models.Q(code__in=["", *DestinationCode.values])),
        ]

    def __str__(self):
        return f"{self.graduate.name}：{self.shown}"

    @property
    def shown(self) -> str:
        return self.get_code_display() if self.code else "未落实"
