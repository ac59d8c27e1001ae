"""毕业去向 (SPEC §5): the national destination codes as data, each registration with its proof and review, the
graduate's current destination, and the append-only history of every change."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from signing_platform.uploads import private_storage, random_name

# 10 签就业协议形式就业: set by the platform when an agreement is signed (or registered as 线下签约 with its scan).
AGREEMENT_CODE = "10"
AGREEMENT_CODE_DEFAULTS = {
    "name": "签就业协议形式就业", "category": "employed", "field_group": "unit",
    "proof_label": "签字盖章的就业协议书（三方协议）扫描件", "credit_code_required": True, "sort_order": 10,
}


class Category(models.TextChoices):
    """去向类别 for statistics; the first four count towards 落实率 (SPEC §5)."""

    EMPLOYED = "employed", "单位就业"
    ENTREPRENEUR = "entrepreneur", "自主创业"
    FREELANCE = "freelance", "自由职业"
    STUDY = "study", "升学"
    NOT_EMPLOYED = "not_employed", "暂不就业"
    SEEKING = "seeking", "待就业"


PLACED_CATEGORIES = (Category.EMPLOYED, Category.ENTREPRENEUR, Category.FREELANCE, Category.STUDY)
# Codes of these categories (70 / 71 / 72) need no proof and never stand in the way of signing an agreement.
UNPLACED_CATEGORIES = (Category.NOT_EMPLOYED, Category.SEEKING)


class FieldGroup(models.TextChoices):
    """Which fields a registration of a code asks for (issue 12 §1)."""

    UNIT = "unit", "单位信息"
    BUSINESS = "business", "创业信息"
    FREELANCE = "freelance", "自由职业信息"
    STUDY = "study", "升学信息"
    ABROAD = "abroad", "留学信息"
    NONE = "none", "无需证明材料"


class DestinationCode(models.Model):
    """毕业去向代码: a code list seeded by migration and editable in admin (name, category, fields, proof)."""

    code = models.CharField("代码", max_length=3, unique=True)
    name = models.CharField("名称", max_length=40)
    category = models.CharField("去向类别", max_length=20, choices=Category.choices)
    field_group = models.CharField("登记信息", max_length=12, choices=FieldGroup.choices)
    proof_label = models.CharField(
        "证明材料", max_length=60, blank=True, help_text="登记时须上传的证明材料名称；无需证明材料的留空"
    )
    credit_code_required = models.BooleanField(
        "须填统一社会信用代码", default=True, help_text="单位可能没有统一社会信用代码的（如部队）不勾选"
    )
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "毕业去向代码"
        verbose_name_plural = "毕业去向代码"
        ordering = ["sort_order", "id"]
        constraints = [
            models.CheckConstraint(name="destination_code_category_valid", condition=Q(category__in=Category.values)),
            models.CheckConstraint(name="destination_code_group_valid", condition=Q(field_group__in=FieldGroup.values)),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def needs_proof(self) -> bool:
        return self.field_group != FieldGroup.NONE

    @property
    def is_agreement(self) -> bool:
        return self.code == AGREEMENT_CODE

    @property
    def counts_as_placed(self) -> bool:
        return self.category in PLACED_CATEGORIES


class RecordStatus(models.TextChoices):
    PENDING_COLLEGE = "pending_college", "待学院审核"
    PENDING_SCHOOL = "pending_school", "待学校审核"
    RETURNED = "returned", "退回修改"
    WITHDRAWN = "withdrawn", "已撤回"
    CONFIRMED = "confirmed", "已落实"
    SUPERSEDED = "superseded", "已变更"
    REVOKED = "revoked", "已撤销"


PENDING_STATES = (RecordStatus.PENDING_COLLEGE, RecordStatus.PENDING_SCHOOL)
# A 核验编号 exists from confirmation on and keeps answering (已变更 / 已撤销) afterwards.
VERIFIABLE_STATES = (RecordStatus.CONFIRMED, RecordStatus.SUPERSEDED, RecordStatus.REVOKED)


def proof_path(instance, filename: str) -> str:
    return random_name("destination-proofs", filename)


class DestinationRecord(models.Model):
    """One registration of a destination: what the graduate (or the signing of an agreement) declared, its proof,
    its review, and once confirmed its 核验编号. A change is a new record; the confirmed one stays in force until the
    new one is approved."""

    graduate = models.ForeignKey(
        "schools.Graduate", verbose_name="毕业生", on_delete=models.PROTECT, related_name="destination_records"
    )
    # Copied from the graduate so that reviewer queues and filters need no join (the roster entry never moves).
    school = models.ForeignKey("schools.School", verbose_name="毕业院校", on_delete=models.PROTECT, related_name="+")
    college = models.ForeignKey("schools.College", verbose_name="院系", on_delete=models.PROTECT, related_name="+")
    graduation_year = models.PositiveSmallIntegerField("毕业年份")

    code = models.ForeignKey(
        DestinationCode, verbose_name="毕业去向", to_field="code", on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField("状态", max_length=20, choices=RecordStatus.choices)
    # Code 10 comes from a signed agreement (contract) or is registered by the graduate as 线下签约 (offline).
    contract = models.ForeignKey(
        "contracts.Contract", verbose_name="就业协议", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    offline = models.BooleanField("线下签约", default=False)
    # Decided at submission: whether the college reviews before the school (the school's setting then).
    two_level_review = models.BooleanField("二级审核", default=True)

    # What the registration says (which fields apply depends on the code's field group).
    unit_name = models.CharField("单位名称", max_length=100, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    unit_nature = models.ForeignKey(
        "employers.UnitNature", verbose_name="单位性质", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    industry = models.ForeignKey(
        "employers.Industry", verbose_name="单位行业", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region = models.ForeignKey(
        "employers.Region", verbose_name="单位所在地", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    job_category = models.ForeignKey(
        "contracts.JobCategory", verbose_name="工作职位类别", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    work_kind = models.CharField("从事工作", max_length=50, blank=True)
    school_name = models.CharField("录取院校", max_length=100, blank=True)
    major = models.CharField("录取专业", max_length=100, blank=True)
    country = models.CharField("国家(地区)", max_length=50, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    proof = models.FileField("证明材料", storage=private_storage, upload_to=proof_path, max_length=200, blank=True)
    proof_content_type = models.CharField("证明材料类型", max_length=40, blank=True)

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("登记时间", default=timezone.now)
    college_approved_at = models.DateTimeField("学院审核时间", null=True, blank=True)
    decided_at = models.DateTimeField("审核完成时间", null=True, blank=True)
    return_reason = models.CharField("退回原因", max_length=200, blank=True)
    ended_at = models.DateTimeField("失效时间", null=True, blank=True)
    end_note = models.CharField("失效说明", max_length=200, blank=True)
    last_event_at = models.DateTimeField("最新操作时间", default=timezone.now)
    verification_no = models.CharField("核验编号", max_length=12, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = "毕业去向登记"
        verbose_name_plural = "毕业去向登记"
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["graduate"], condition=Q(status__in=[s.value for s in PENDING_STATES]),
                name="destination_record_one_pending_per_graduate",
                violation_error_message="已有待审核的毕业去向登记",
            ),
            models.UniqueConstraint(
                fields=["graduate"], condition=Q(status=RecordStatus.CONFIRMED),
                name="destination_record_one_confirmed_per_graduate",
                violation_error_message="已有生效的毕业去向",
            ),
            models.CheckConstraint(name="destination_record_status_valid", condition=Q(status__in=RecordStatus.values)),
            models.CheckConstraint(
                name="destination_record_verifiable_has_number",
                condition=~Q(status__in=[s.value for s in VERIFIABLE_STATES]) | Q(verification_no__isnull=False),
            ),
            # Code 10 is either an agreement signed on the platform or a 线下签约 with its scan; nothing else is.
            models.CheckConstraint(
                name="destination_record_agreement_source",
                condition=(Q(code=AGREEMENT_CODE) & (Q(contract__isnull=False) | Q(offline=True)))
                | (~Q(code=AGREEMENT_CODE) & Q(contract__isnull=True, offline=False)),
            ),
        ]
        indexes = [
            models.Index(fields=["college", "status", "submitted_at"], name="destrecord_college_status"),
            models.Index(fields=["school", "status", "submitted_at"], name="destrecord_school_status"),
            models.Index(fields=["graduate", "-submitted_at"], name="destrecord_graduate_recent"),
        ]

    def __str__(self):
        return f"{self.graduate.name}：{self.code_id} {self.get_status_display()}"

    @property
    def is_pending(self) -> bool:
        return self.status in PENDING_STATES

    @property
    def from_signing(self) -> bool:
        return self.contract_id is not None

    @property
    def verification_no_display(self) -> str:
        """The 核验编号 in groups of four, as printed (ABCD-EFGH-JKMN)."""
        value = self.verification_no or ""
        return "-".join(value[i:i + 4] for i in range(0, len(value), 4))


class DestinationState(models.TextChoices):
    """What the roster and the graduate's page show: the open request's state, else whether a record is in force."""

    UNREGISTERED = "unregistered", "未落实"
    PENDING_COLLEGE = "pending_college", "待学院审核"
    PENDING_SCHOOL = "pending_school", "待学校审核"
    CONFIRMED = "confirmed", "已落实"
    RETURNED = "returned", "退回修改"


class Destination(models.Model):
    """The current 毕业去向 of a roster entry: the record in force (none: 未落实) and the latest request that is not
    (pending, or returned for correction). Written only by students.services, under the graduate's row lock."""

    graduate = models.OneToOneField(
        "schools.Graduate", verbose_name="毕业生", on_delete=models.CASCADE, related_name="destination"
    )
    record = models.ForeignKey(
        DestinationRecord, verbose_name="生效的登记", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The record's code, kept here so that the roster and statistics filter and count without another join.
    code = models.ForeignKey(
        DestinationCode, verbose_name="毕业去向", to_field="code", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    request = models.ForeignKey(
        DestinationRecord, verbose_name="待处理的登记", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField("毕业去向状态", max_length=20, choices=DestinationState.choices,
                             default=DestinationState.UNREGISTERED)
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "毕业去向"
        verbose_name_plural = "毕业去向"
        constraints = [
            models.CheckConstraint(
                name="destination_code_follows_record",
                condition=Q(record__isnull=True, code__isnull=True) | Q(record__isnull=False, code__isnull=False),
            ),
            models.CheckConstraint(name="destination_state_valid", condition=Q(state__in=DestinationState.values)),
        ]
        indexes = [models.Index(fields=["state", "code"], name="destination_state_code")]

    def __str__(self):
        return f"{self.graduate.name}：{self.shown}"

    @property
    def shown(self) -> str:
        return self.code.name if self.code_id else "未落实"


class DestinationEvent(models.Model):
    """Append-only history of destination records: every change of state, who made it, when and why."""

    class Action(models.TextChoices):
        SUBMIT = "submit", "提交登记"
        WITHDRAW = "withdraw", "撤回登记"
        COLLEGE_APPROVE = "college_approve", "学院审核通过"
        SCHOOL_APPROVE = "school_approve", "学校审核通过"
        RETURN = "return", "退回修改"
        AGREEMENT = "agreement", "签约完成，自动登记"
        SUPERSEDE = "supersede", "变更为新的毕业去向"
        REVOKE = "revoke", "解约完成，登记撤销"
        OPERATOR_REVOKE = "operator_revoke", "平台撤销"
        OPERATOR_CORRECT = "operator_correct", "平台更正"

    record = models.ForeignKey(DestinationRecord, on_delete=models.PROTECT, related_name="events")
    graduate = models.ForeignKey("schools.Graduate", on_delete=models.PROTECT, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("操作", max_length=20, choices=Action.choices)
    from_status = models.CharField("原状态", max_length=20, choices=RecordStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=RecordStatus.choices)
    note = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "毕业去向事件"
        verbose_name_plural = "毕业去向事件"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["record", "created_at"], name="destevent_record"),
            models.Index(fields=["graduate", "created_at"], name="destevent_graduate"),
        ]

    def __str__(self):
        return f"{self.get_action_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def actor_label(self) -> str:
        return self.actor.display_name if self.actor_id else "系统"
