"""签约邀请函: the unit invites and may withdraw; the student accepts (binding) or refuses."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from employers.models import Contact
from schools.models import Graduate
from schools.rules import closed_year_message, year_closed
from signing_platform.errors import NotFound
from students.presentation import accept_refusal
from students.selectors import blocking_destination

from .. import counters, rules
from ..models import Contract, ContractEvent, ContractStatus, Favorite, JobCategory
from .mechanics import (
    ContractError,
    clean_text,
    expire_lapsed,
    lock,
    member_unit_id,
    move,
    require_authenticated_unit,
    require_employer_of,
    require_student_of,
    tell_employer,
    tell_student,
)

MIN_VALID_DAYS, MAX_VALID_DAYS, DEFAULT_VALID_DAYS = 1, 30, 7

S = ContractStatus
Action = ContractEvent.Action


def invite(
    *,
    actor,
    favorite: Favorite,
    job_category: JobCategory,
    post_name: str,
    valid_days: int,
    contact: Contact,
    work_location: str = "",
    salary: str = "",
    remarks: str = "",
    previous: Contract | None = None,
) -> Contract:
    """Send a signing invitation to a student in the unit's favorites: one open invitation per unit and student."""
    unit_id = member_unit_id(actor)
    if unit_id is None or favorite.unit_id != unit_id:
        raise NotFound
    require_authenticated_unit(unit_id)
    post_name = clean_text(post_name, label="拟录用岗位名称", max_length=50, required=True)
    work_location = clean_text(work_location, label="工作地点", max_length=100, required=False)
    salary = clean_text(salary, label="薪酬", max_length=50, required=False)
    remarks = clean_text(remarks, label="备注", max_length=500, required=False)
    if not isinstance(valid_days, int) or not MIN_VALID_DAYS <= valid_days <= MAX_VALID_DAYS:
        raise ContractError("应约有效期应为1至30天")
    if not job_category.is_active:
        raise ContractError("请选择有效的拟录用职位类别")
    if contact.unit_id != unit_id or not contact.is_active:
        raise ContractError("请选择本单位有效的签约联系人")

    now = timezone.now()
    if previous is not None and (
        previous.unit_id != unit_id or previous.graduate_id != favorite.graduate_id
        or not rules.can_reinvite(previous, now)
    ):
        raise ContractError("原邀请不能再次发起签约")
    with transaction.atomic():
        graduate = Graduate.objects.select_for_update(no_key=True, of=("self",)).select_related("user").get(
            pk=favorite.graduate_id
        )
        if not Favorite.objects.filter(pk=favorite.pk).exists():
            raise ContractError("该学生已移出收藏夹")
        if year_closed(school_id=graduate.school_id, year=graduate.graduation_year, hold=True):
            raise ContractError(closed_year_message(graduate.graduation_year, "发起签约邀请"))
        # A lapsed invitation to the same student must not block a new one, whether or not the job has run.
        expire_lapsed(Contract.objects.filter(unit_id=unit_id, graduate=graduate), now=now)
        if Contract.objects.filter(rules.active_q(), graduate=graduate).exists():
            raise ContractError("该学生已有正在审核或已生效的签约，暂不能发起邀请")
        if Contract.objects.filter(rules.awaits_answer_q(now), unit_id=unit_id, graduate=graduate).exists():
            raise ContractError("已向该学生发出邀请函，请等待学生应约或撤回后再发起")
        try:
            with transaction.atomic():
                contract = Contract.objects.create(
                    unit_id=unit_id,
                    graduate=graduate,
                    student_name=graduate.name,
                    school_id=graduate.school_id,
                    college_id=graduate.college_id,
                    graduation_year=graduate.graduation_year,
                    job_category=job_category,
                    post_name=post_name,
                    valid_days=valid_days,
                    deadline=now + timedelta(days=valid_days),
                    contact=contact,
                    contact_name=contact.name,
                    contact_mobile=contact.mobile,
                    work_location=work_location,
                    salary=salary,
                    remarks=remarks,
                    created_by=actor,
                    previous=previous,
                    created_at=now,
                    last_event_at=now,
                )
        except IntegrityError:
            raise ContractError("已向该学生发出邀请函，请勿重复发送") from None
        ContractEvent.objects.create(
            contract=contract, unit_id=unit_id, actor=actor, action=Action.INVITE, to_status=S.INVITED, created_at=now,
            note="再次发起签约" if previous else "",
        )
        counters.record_new(contract)
        deadline = timezone.localtime(contract.deadline).strftime("%Y-%m-%d %H:%M")
        tell_student(contract, f"{contract.unit.name}向你发出签约邀请函（{post_name}），请在{deadline}前登录平台应约或拒绝。")
    return contract


def withdraw(*, actor, contract: Contract) -> Contract:
    """The unit takes back an invitation the student has not answered yet."""
    now = timezone.now()
    with transaction.atomic():
        contract = lock(contract.pk)
        require_employer_of(actor, contract)
        if not rules.can_withdraw(contract, now):
            raise ContractError(f"当前状态为“{contract.shown_status}”，不能撤回")
        move(contract, to=S.WITHDRAWN, actor=actor, action=Action.WITHDRAW, at=now, closed_at=now)
        tell_student(contract, f"{contract.unit.name}已撤回发给你的签约邀请函。")
    return contract


def _holds_other_active(contract: Contract) -> bool:
    return Contract.objects.filter(rules.active_q(), graduate_id=contract.graduate_id).exclude(pk=contract.pk).exists()


def accept(*, actor, contract: Contract, note: str = "") -> Contract:
    """The student binds themself to this invitation (before its deadline, with no other active contract)."""
    note = clean_text(note, label="说明", max_length=200, required=False)
    now = timezone.now()
    with transaction.atomic():
        contract = lock(contract.pk)
        require_student_of(actor, contract)
        if contract.status != S.INVITED:
            raise ContractError(f"该邀请函当前状态为“{contract.shown_status}”，不能应约")
        if rules.is_overdue(contract, now):
            raise ContractError("该邀请函已超过应约有效期，不能应约")
        if year_closed(school_id=contract.school_id, year=contract.graduation_year, hold=True):
            raise ContractError(closed_year_message(contract.graduation_year, "应约"))
        holds_other_active = _holds_other_active(contract)
        # Under the graduate's lock, which a destination registration takes too: one of the two wins, never both.
        blocking = blocking_destination(graduate_id=contract.graduate_id)
        if not rules.can_accept(contract, now, holds_other_active=holds_other_active,
                                destination_blocks=blocking is not None):
            if holds_other_active:
                raise ContractError("你已有正在审核或已生效的签约，不能再应约其他邀请函")
            raise ContractError(accept_refusal(blocking))
        move(contract, to=S.ACCEPTED, actor=actor, action=Action.ACCEPT, at=now, note=note,
             accepted_at=now, two_level_review=contract.school.has_college_review, student_note=note)
        tell_employer(contract, f"{contract.graduate.name}已应约你单位的签约邀请函（{contract.post_name}），等待学校审核。")
    return contract


def refuse(*, actor, contract: Contract, reason: str = "") -> Contract:
    """The student declines an invitation; the unit may invite again later."""
    reason = clean_text(reason, label="拒绝原因", max_length=200, required=False)
    now = timezone.now()
    with transaction.atomic():
        contract = lock(contract.pk)
        require_student_of(actor, contract)
        if contract.status != S.INVITED:
            raise ContractError(f"该邀请函当前状态为“{contract.shown_status}”，不能拒绝")
        if not rules.can_refuse(contract, now):
            raise ContractError("该邀请函已超过应约有效期，无需处理")
        move(contract, to=S.REFUSED, actor=actor, action=Action.REFUSE, at=now, note=reason,
             closed_at=now, student_note=reason)
        tell_employer(contract, f"{contract.graduate.name}拒绝了你单位的签约邀请函（{contract.post_name}）。")
    return contract
