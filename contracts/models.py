from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from signing_platform.uploads import private_storage, random_name


class ContractStatus(models.TextChoices):
    """SPEC §3. The label is what 最新状态 shows."""

    INVITED = "invited", "等待学生应约"
    ACCEPTED = "accepted", "学生已应约提交申请"
    COLLEGE_APPROVED = "college_approved", "学院审核通过"
    SIGNED = "signed", "签约完成"
    REFUSED = "refused", "学生拒绝签约"
    EXPIRED = "expired", "学生逾期未回应"
    REJECTED = "rejected", "学校(学院)审核不通过"
    WITHDRAWN = "withdrawn", "单位已撤回"
    VOIDED = "voided", "已失效"
    TERMINATING = "terminating", "解约中"
    TERMINATED = "terminated", "已解约"


# A student holds at most one contract in these states (partial unique index below).
ACTIVE_STATES = (
    ContractStatus.ACCEPTED,
    ContractStatus.COLLEGE_APPROVED,
    ContractStatus.SIGNED,
    ContractStatus.TERMINATING,
)
# 再次发起签约 is offered from these (签约失败 and 失效).
REINVITABLE_STATES = (
    ContractStatus.REFUSED,
    ContractStatus.EXPIRED,
    ContractStatus.REJECTED,
    ContractStatus.WITHDRAWN,
    ContractStatus.VOIDED,
)


# The stored statuses of the unit's tabs that OR several of them (the deadline rule aside: see contracts.rules).
TAB_STORED_STATUSES = {
    "signing": [ContractStatus.INVITED, ContractStatus.ACCEPTED, ContractStatus.COLLEGE_APPROVED],
    "failed": [ContractStatus.REFUSED, ContractStatus.EXPIRED, ContractStatus.REJECTED],
    "void": [ContractStatus.WITHDRAWN, ContractStatus.VOIDED],
}


class TerminationStage(models.TextChoices):
    """Where a contract stands in termination (SPEC §3): kept on the contract so that tabs and 最新状态 need no join."""

    NONE = "", "无"
    COUNTERPART = "counterpart", "等待对方确认"
    SCHOOL = "school", "待学校审核"
    FAILED = "failed", "解约失败"


class JobCategory(models.Model):
    """拟录用职位类别 (SPEC §8): a code list seeded by migration and editable in admin."""

    name = models.CharField("名称", max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "拟录用职位类别"
        verbose_name_plural = "拟录用职位类别"
        ordering = ["sort_order", "id"]

    def __str__(self):
        return self.name


class Contract(models.Model):
    """One signing invitation and, if it gets that far, the employment agreement it becomes."""

    # Foreign keys whose look-ups a composite index already serves, or that only a rare PROTECT check reads, carry no
    # index of their own: every index is rewritten by each change of state.
    unit = models.ForeignKey(
        "employers.Unit", verbose_name="邀请方", on_delete=models.PROTECT, related_name="contracts", db_index=False
    )
    graduate = models.ForeignKey(
        "schools.Graduate", verbose_name="受邀方", on_delete=models.PROTECT, related_name="contracts"
    )
    # Copied from the graduate so that reviewer queues and filters need no join (the roster entry never moves).
    school = models.ForeignKey(
        "schools.School", verbose_name="毕业院校", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    college = models.ForeignKey(
        "schools.College", verbose_name="院系", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    # The graduate's name, copied so that the unit's 学生姓名 filter is an index range (kept in step by
    # schools.services when a school corrects a name).
    student_name = models.CharField("学生姓名", max_length=50, default="", blank=True)
    graduation_year = models.PositiveSmallIntegerField("毕业年份")

    status = models.CharField("最新状态", max_length=20, choices=ContractStatus.choices, default=ContractStatus.INVITED)

    # 岗位信息
    job_category = models.ForeignKey(JobCategory, verbose_name="拟录用职位类别", on_delete=models.PROTECT, db_index=False)
    post_name = models.CharField("拟录用岗位名称", max_length=50)
    valid_days = models.PositiveSmallIntegerField("应约有效期（天）")
    deadline = models.DateTimeField("应约截止时间")
    contact = models.ForeignKey(
        "employers.Contact", verbose_name="签约联系人", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    contact_name = models.CharField("签约联系人姓名", max_length=50)
    contact_mobile = models.CharField("签约联系人手机号", max_length=11)
    work_location = models.CharField("工作地点", max_length=100, blank=True)
    salary = models.CharField("薪酬", max_length=50, blank=True)
    remarks = models.CharField("备注", max_length=500, blank=True)

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="发起人", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    previous = models.ForeignKey(
        "self", verbose_name="原邀请", null=True, blank=True, on_delete=models.PROTECT, related_name="reinvitations",
        db_index=False,
    )
    created_at = models.DateTimeField("发起时间", default=timezone.now)
    accepted_at = models.DateTimeField("应约时间", null=True, blank=True)
    college_approved_at = models.DateTimeField("学院审核时间", null=True, blank=True)
    signed_at = models.DateTimeField("签约完成时间", null=True, blank=True)
    closed_at = models.DateTimeField("结束时间", null=True, blank=True)
    last_event_at = models.DateTimeField("最新操作时间", default=timezone.now)
    reminder_sent_at = models.DateTimeField("到期提醒时间", null=True, blank=True)

    # Decided when the student accepts: whether the college reviews before the school (the school's setting then).
    two_level_review = models.BooleanField("二级审核", default=True)
    student_note = models.CharField("学生说明", max_length=200, blank=True)
    review_note = models.CharField("审核意见", max_length=200, blank=True)

    # Termination: the stage of the open request, or FAILED while the latest request failed (the 解约失败 tab);
    # termination_note says why it failed. A new request clears both.
    termination_stage = models.CharField(
        "解约进度", max_length=12, choices=TerminationStage.choices, default=TerminationStage.NONE, blank=True
    )
    termination_note = models.CharField("解约失败原因", max_length=220, blank=True)

    # Filled when SIGNED.
    # Unique among the agreements (a partial index: the unsigned majority of rows is not in it).
    agreement_no = models.CharField("协议书编号", max_length=32, null=True, blank=True)
    verification_code = models.CharField("验证码", max_length=12, blank=True)
    archive_has_authority = models.BooleanField("是否具有人事档案管理权限", null=True, blank=True)
    archive_receiver_name = models.CharField("档案接收单位名称", max_length=100, blank=True)
    archive_address = models.CharField("档案接收地址", max_length=200, blank=True)
    archive_postcode = models.CharField("邮政编码", max_length=6, blank=True)
    archive_contact_name = models.CharField("档案联系人", max_length=50, blank=True)
    archive_contact_phone = models.CharField("档案联系电话", max_length=20, blank=True)

    class Meta:
        verbose_name = "签约记录"
        verbose_name_plural = "签约记录"
        constraints = [
            models.UniqueConstraint(
                fields=["graduate"],
                condition=Q(status__in=[s.value for s in ACTIVE_STATES]),
                name="contract_one_active_per_graduate",
                violation_error_message="该学生已有正在审核或已生效的签约",
            ),
            models.UniqueConstraint(
                fields=["unit", "graduate"],
                condition=Q(status=ContractStatus.INVITED),
                name="contract_one_invitation_per_unit_graduate",
                violation_error_message="已向该学生发出邀请函，请勿重复发送",
            ),
            models.UniqueConstraint(
                fields=["agreement_no"], condition=Q(agreement_no__isnull=False), name="contract_agreement_no_unique",
                violation_error_message="协议书编号重复",
            ),
            models.CheckConstraint(name="contract_valid_days_1_30", condition=Q(valid_days__gte=1, valid_days__lte=30)),
            models.CheckConstraint(name="contract_status_valid", condition=Q(status__in=ContractStatus.values)),
            models.CheckConstraint(
                name="contract_signed_has_agreement_no",
                condition=~Q(status__in=[ContractStatus.SIGNED, ContractStatus.TERMINATING, ContractStatus.TERMINATED])
                | Q(agreement_no__isnull=False),
            ),
            # TERMINATING exactly while a request waits for the counterpart or the school; FAILED only on SIGNED.
            models.CheckConstraint(
                name="contract_termination_stage_matches_status",
                condition=(
                    Q(status=ContractStatus.TERMINATING,
                      termination_stage__in=[TerminationStage.COUNTERPART, TerminationStage.SCHOOL])
                    | Q(status=ContractStatus.SIGNED, termination_stage__in=[TerminationStage.NONE, TerminationStage.FAILED])
                    | (~Q(status__in=[ContractStatus.TERMINATING, ContractStatus.SIGNED])
                       & Q(termination_stage=TerminationStage.NONE))
                ),
            ),
        ]
        # Each list reads one index in display order and stops after its page (measured at 1,000,000 contracts, see
        # bench/pages.py): the unit's tabs (a partial index per tab whose statuses it ORs), the reviewers' queues,
        # the invitations by deadline (expiry job, reminders, 工作台's 24-hour list). The columns a page's deferred
        # join and the deadline rule read are included, so those scans never visit the table.
        indexes = [
            models.Index(fields=["unit", "status", "-last_event_at", "-id"], name="contract_unit_status"),
            models.Index(
                fields=["unit", "-last_event_at", "-id"], name="contract_unit_signing", include=["status", "deadline"],
                condition=Q(status__in=TAB_STORED_STATUSES["signing"]),
            ),
            # 签约失败 also lists invitations past their deadline the job has not marked: its index holds the open
            # invitations too, and the scan skips the ones still in time on the included columns.
            models.Index(
                fields=["unit", "-last_event_at", "-id"], name="contract_unit_failed", include=["status", "deadline"],
                condition=Q(status__in=[*TAB_STORED_STATUSES["failed"], ContractStatus.INVITED]),
            ),
            models.Index(
                fields=["unit", "-last_event_at", "-id"], name="contract_unit_void",
                condition=Q(status__in=TAB_STORED_STATUSES["void"]),
            ),
            models.Index(
                fields=["unit", "-last_event_at", "-id"], name="contract_unit_term_failed",
                condition=Q(status=ContractStatus.SIGNED, termination_stage=TerminationStage.FAILED),
            ),
            models.Index(
                fields=["unit", "deadline"], name="contract_unit_invited", condition=Q(status=ContractStatus.INVITED)
            ),
            models.Index(fields=["deadline"], name="contract_invited_deadline", condition=Q(status=ContractStatus.INVITED)),
            models.Index(fields=["school", "status", "-last_event_at"], name="contract_school_status"),
            models.Index(fields=["college", "status", "-last_event_at"], name="contract_college_status"),
            models.Index(
                fields=["college", "accepted_at", "id"], name="contract_college_queue",
                condition=Q(status=ContractStatus.ACCEPTED, two_level_review=True),
            ),
            models.Index(
                fields=["school", "accepted_at", "id"], name="contract_school_queue",
                condition=Q(status=ContractStatus.COLLEGE_APPROVED)
                | Q(status=ContractStatus.ACCEPTED, two_level_review=False),
            ),
        ]

    def __str__(self):
        return f"{self.unit} → {self.graduate} ({self.get_status_display()})"

    @property
    def shown_status(self) -> str:
        """最新状态 as users read it now (an invitation past its deadline is expired even before the job marks it)."""
        from .presentation import status_label

        return status_label(self, timezone.now())


class ContractEvent(models.Model):
    """Append-only history of a contract: every change of state, who made it, when, and why."""

    class Action(models.TextChoices):
        INVITE = "invite", "单位已发起邀请"
        WITHDRAW = "withdraw", "单位撤回邀请"
        ACCEPT = "accept", "学生应约"
        REFUSE = "refuse", "学生拒绝签约"
        EXPIRE = "expire", "逾期未回应，邀请失效"
        COLLEGE_APPROVE = "college_approve", "学院审核通过"
        SCHOOL_APPROVE = "school_approve", "学校审核通过，签约完成"
        REJECT = "reject", "审核不通过"
        VOID = "void", "邀请失效"
        TERMINATION_REQUEST = "termination_request", "申请解约"
        TERMINATION_AGREE = "termination_agree", "同意解约"
        TERMINATION_DISAGREE = "termination_disagree", "不同意解约"
        TERMINATION_EXPIRE = "termination_expire", "逾期未确认"
        TERMINATION_APPROVE = "termination_approve", "学校同意解约"
        TERMINATION_REJECT = "termination_reject", "学校不同意解约"
        # Operators' transitions (contracts/services/operator.py), each with the reason they gave.
        OPERATOR_VOID = "operator_void", "平台作废"
        OPERATOR_EXPIRE = "operator_expire", "平台操作，邀请失效"

    # Every event is inserted into each of this table's indexes; the (contract, created_at) and (unit, created_at)
    # indexes serve every look-up, so the keys carry none of their own.
    contract = models.ForeignKey(
        Contract, verbose_name="签约记录", on_delete=models.PROTECT, related_name="events", db_index=False
    )
    # The contract's unit, copied so that 工作台's 最新动态 reads the unit's latest events from one index.
    unit = models.ForeignKey(
        "employers.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        db_index=False,
    )
    action = models.CharField("操作", max_length=30, choices=Action.choices)
    from_status = models.CharField("原状态", max_length=20, choices=ContractStatus.choices, blank=True)
    to_status = models.CharField("新状态", max_length=20, choices=ContractStatus.choices)
    note = models.CharField("说明", max_length=500, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        verbose_name = "签约事件"
        verbose_name_plural = "签约事件"
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["contract", "created_at"], name="contractevent_contract"),
            models.Index(fields=["unit", "-created_at", "-id"], name="contractevent_unit_recent"),
        ]

    def __str__(self):
        # In the platform's time zone (Asia/Shanghai), as every page shows times: admin shows this on inline rows.
        return f"{self.get_action_display()} {timezone.localtime(self.created_at):%Y-%m-%d %H:%M}"

    @property
    def actor_label(self) -> str:
        return self.actor.display_name if self.actor_id else "系统"


class TerminationStatus(models.TextChoices):
    PENDING = "pending", "等待对方确认"
    AGREED = "agreed", "待学校审核"
    APPROVED = "approved", "解约完成"
    DISAGREED = "disagreed", "对方不同意"
    EXPIRED = "expired", "对方逾期未确认"
    REJECTED = "rejected", "学校审核不通过"


OPEN_TERMINATION_STATES = (TerminationStatus.PENDING, TerminationStatus.AGREED)


class Side(models.TextChoices):
    EMPLOYER = "employer", "用人单位"
    STUDENT = "student", "学生"


def termination_letter_path(instance, filename: str) -> str:
    return random_name("termination-letters", filename)


class TerminationRequest(models.Model):
    """解约申请 of a signed contract: requester, reason, the counterpart's answer and the school's review."""

    contract = models.ForeignKey(
        Contract, verbose_name="签约记录", on_delete=models.PROTECT, related_name="termination_requests"
    )
    # The contract's school, copied so that 解约审核 reads the school's queue from one index.
    school = models.ForeignKey(
        "schools.School", verbose_name="学校", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requester_side = models.CharField("申请方", max_length=10, choices=Side.choices)
    reason = models.CharField("解约原因", max_length=200)
    attachment = models.FileField(
        "解约函", storage=private_storage, upload_to=termination_letter_path, max_length=200, blank=True
    )
    attachment_type = models.CharField("解约函类型", max_length=40, blank=True)
    status = models.CharField("状态", max_length=12, choices=TerminationStatus.choices, default=TerminationStatus.PENDING)
    created_at = models.DateTimeField("申请时间", default=timezone.now)
    counterpart_deadline = models.DateTimeField("对方确认截止时间")
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="确认人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    answered_at = models.DateTimeField("确认时间", null=True, blank=True)
    answer_note = models.CharField("对方意见", max_length=200, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=200, blank=True)

    class Meta:
        verbose_name = "解约申请"
        verbose_name_plural = "解约申请"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(status__in=[s.value for s in OPEN_TERMINATION_STATES]),
                name="termination_one_open_per_contract",
                violation_error_message="该协议已有进行中的解约申请",
            ),
            models.CheckConstraint(name="termination_status_valid", condition=Q(status__in=TerminationStatus.values)),
            models.CheckConstraint(name="termination_side_valid", condition=Q(requester_side__in=Side.values)),
        ]
        indexes = [
            models.Index(fields=["status", "counterpart_deadline"], name="termination_status_deadline"),
            models.Index(
                fields=["school", "answered_at", "id"], name="termination_school_queue",
                condition=Q(status=TerminationStatus.AGREED),
            ),
        ]

    def __str__(self):
        return f"{self.contract_id} 解约申请（{self.get_status_display()}）"

    @property
    def counterpart_side(self) -> str:
        return Side.STUDENT if self.requester_side == Side.EMPLOYER else Side.EMPLOYER

    @property
    def shown_status(self) -> str:
        from .presentation import termination_status_label

        return termination_status_label(self, timezone.now())


class AgreementSequence(models.Model):
    """The last serial used for agreement numbers of one (year, school, education level); locked to take the next."""

    graduation_year = models.PositiveSmallIntegerField("毕业年份")
    school_code = models.CharField("学校代码", max_length=5)
    level_code = models.CharField("学历代码", max_length=2)
    last_serial = models.PositiveIntegerField("已用流水号", default=0)

    class Meta:
        verbose_name = "协议书编号流水"
        verbose_name_plural = "协议书编号流水"
        constraints = [
            models.UniqueConstraint(fields=["graduation_year", "school_code", "level_code"], name="agreement_sequence_key")
        ]


class Favorite(models.Model):
    """学生收藏夹: a roster entry an employer unit found by exact match and may invite. Never edited once added."""

    unit = models.ForeignKey("employers.Unit", verbose_name="单位", on_delete=models.PROTECT, related_name="favorites")
    graduate = models.ForeignKey("schools.Graduate", verbose_name="学生", on_delete=models.PROTECT, related_name="+")
    # The graduate's name, copied like Contract.student_name for the 学生姓名 filter.
    student_name = models.CharField("学生姓名", max_length=50, default="", blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="添加人", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField("加入时间", default=timezone.now)

    class Meta:
        verbose_name = "学生收藏夹"
        verbose_name_plural = "学生收藏夹"
        constraints = [models.UniqueConstraint(fields=["unit", "graduate"], name="favorite_unique_per_unit")]
        indexes = [models.Index(fields=["unit", "-created_at", "-id"], name="favorite_unit_recent")]

    def __str__(self):
        return f"{self.unit} ♥ {self.graduate}"


class UnitTabCount(models.Model):
    """How many of a unit's records each 签约解约 tab holds, by stored status, so that counts never scan the unit's
    contracts. A tab's count is the sum of its shards: a change adds to the shard of its contract, so concurrent
    changes of one unit seldom wait for the same row. Kept in the transaction of every change (contracts.counters);
    invitations past their deadline are moved from 签约中 to 签约失败 when the counts are read."""

    unit = models.ForeignKey("employers.Unit", on_delete=models.CASCADE, related_name="+", db_index=False)
    tab = models.CharField("分类", max_length=20)
    shard = models.PositiveSmallIntegerField("分片")
    count = models.IntegerField("数量", default=0)

    class Meta:
        verbose_name = "签约记录计数"
        verbose_name_plural = "签约记录计数"
        constraints = [models.UniqueConstraint(fields=["unit", "tab", "shard"], name="unit_tab_count_key")]

    def __str__(self):
        return f"{self.unit_id} {self.tab}#{self.shard}: {self.count}"
