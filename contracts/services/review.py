"""学校(学院)审核: the college passes an accepted contract to the school; the school's approval signs it."""

import secrets

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from signing_platform.batches import act_on_each
from signing_platform.errors import NotFound
from students.services import destination_record_agreement

from .. import rules
from ..models import AgreementSequence, Contract, ContractEvent, ContractStatus
from .mechanics import ContractError, active_reviewer, clean_text, lock, move, tell_employer, tell_student

VERIFICATION_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

S = ContractStatus
Action = ContractEvent.Action


def _reviewing(actor, contract_id: int) -> tuple[Contract, rules.ReviewStep]:
    reviewer = active_reviewer(actor)
    contract = lock(contract_id)
    if reviewer is None or not rules.covers(reviewer, contract):
        raise NotFound
    step = rules.review_step(reviewer, contract)
    if step is None:
        raise ContractError(f"当前状态为“{contract.shown_status}”，不在你的审核环节")
    return contract, step


def approve(*, actor, contract: Contract) -> Contract:
    """A reviewer approves at their level: the college passes it to the school; the school's approval signs it."""
    now = timezone.now()
    with transaction.atomic():
        contract, step = _reviewing(actor, contract.pk)
        if step == rules.ReviewStep.COLLEGE:
            move(contract, to=S.COLLEGE_APPROVED, actor=actor, action=Action.COLLEGE_APPROVE, at=now,
                 college_approved_at=now)
            tell_employer(contract, f"{contract.graduate.name}的签约申请已通过学院审核，等待学校审核。")
        else:
            _sign(contract, actor=actor, at=now)
    return contract


def reject(*, actor, contract: Contract, reason: str) -> Contract:
    """A reviewer turns the agreement down at their level, with a reason both parties see."""
    reason = clean_text(reason, label="不通过原因", max_length=200, required=True)
    now = timezone.now()
    with transaction.atomic():
        contract, _step = _reviewing(actor, contract.pk)
        move(contract, to=S.REJECTED, actor=actor, action=Action.REJECT, at=now, note=reason,
             closed_at=now, review_note=reason)
        tell_employer(contract, f"{contract.graduate.name}的签约申请审核不通过：{reason}")
        tell_student(contract, f"你与{contract.unit.name}的签约申请审核不通过：{reason}")
    return contract


def batch_approve(*, actor, contract_ids: list[int]) -> tuple[int, list[str]]:
    """Approve each selected contract in its own transaction; returns how many passed and why the others did not."""
    return act_on_each(contract_ids, lambda pk: approve(actor=actor, contract=Contract(pk=pk)),
                       refused=(ContractError, NotFound))


def _sign(contract: Contract, *, actor, at) -> None:
    """The school's approval: the agreement takes effect; the student's other invitations lapse."""
    from employers.selectors import current_archive_info

    archive = current_archive_info(contract.unit)
    move(
        contract, to=S.SIGNED, actor=actor, action=Action.SCHOOL_APPROVE, at=at,
        signed_at=at,
        agreement_no=_next_agreement_no(contract),
        verification_code="".join(secrets.choice(VERIFICATION_ALPHABET) for _ in range(8)),
        archive_has_authority=archive.has_archive_authority if archive else None,
        archive_receiver_name=archive.receiver_name if archive else "",
        archive_address=archive.address if archive else "",
        archive_postcode=archive.postcode if archive else "",
        archive_contact_name=archive.contact_name if archive else "",
        archive_contact_phone=archive.contact_phone if archive else "",
    )
    destination_record_agreement(contract=contract, at=at)
    others = Contract.objects.select_for_update(no_key=True, of=("self",)).select_related("unit").filter(
        graduate_id=contract.graduate_id, status=S.INVITED
    )
    for other in others:
        other.graduate = contract.graduate
        move(other, to=S.VOIDED, actor=None, action=Action.VOID, at=at, note="学生已与其他单位签约", closed_at=at)
        tell_employer(other, f"你单位发给{contract.graduate.name}的签约邀请函已失效（学生已与其他单位签约）。")
    tell_employer(contract, f"{contract.graduate.name}与你单位的就业协议已签约完成，协议书编号{contract.agreement_no}。")
    tell_student(contract, f"你与{contract.unit.name}的就业协议已签约完成，协议书编号{contract.agreement_no}。")


def _next_agreement_no(contract: Contract) -> str:
    """毕业年份 + 学校代码 + 学历代码 + serial, the serial counted per (year, school, level) under a row lock."""
    key = {
        "graduation_year": contract.graduation_year,
        "school_code": contract.school.code,
        "level_code": contract.graduate.education_national_code,
    }
    try:
        with transaction.atomic():
            AgreementSequence.objects.get_or_create(**key)
    except IntegrityError:
        pass  # created by a concurrent signing; the update below waits for its lock
    AgreementSequence.objects.filter(**key).update(last_serial=F("last_serial") + 1)
    serial = AgreementSequence.objects.get(**key).last_serial
    return f"{key['graduation_year']}{key['school_code']}{key['level_code']}{serial:06d}"
