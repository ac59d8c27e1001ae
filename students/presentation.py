"""How 毕业去向 reads on the page: what a record declares, its state and progress, the masked name of the public
check, and the message that sends a graduate to change their destination before 应约.

No rule is decided here: what may be done comes from students/rules.py.
"""

from dataclasses import dataclass

from django.utils import timezone

from contracts.models import ContractStatus
from contracts.presentation import Step

from . import rules
from .models import Destination, DestinationRecord, DestinationState, FieldGroup, RecordStatus

R = RecordStatus


def mask_name(name: str) -> str:
    """张* / 王*明 / 欧**娜: the first character (and the last, from three on) of a name, the rest starred."""
    name = (name or "").strip()
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def code_label(record: DestinationRecord) -> str:
    """10 签就业协议形式就业（线下签约）: the code, its name, and where a 10 came from when the graduate registered it."""
    return f"{record.code.code} {record.code.name}" + ("（线下签约）" if record.offline else "")


def organisation(record: DestinationRecord) -> str:
    """单位/院校名称 of a record: the unit or business for a job, the school for further study, "" otherwise."""
    group = record.code.field_group
    if group in (FieldGroup.UNIT, FieldGroup.BUSINESS):
        return record.unit_name
    if group in (FieldGroup.STUDY, FieldGroup.ABROAD):
        return record.school_name
    return ""


def details(record: DestinationRecord) -> list[tuple[str, str]]:
    """What the record declares, as (label, value) rows in the order of its registration form."""
    group = record.code.field_group
    rows: list[tuple[str, object]] = []
    if group == FieldGroup.UNIT:
        region = record.region
        place = f"{region.parent.name} {region.name}" if region and region.parent_id else (region.name if region else "")
        rows = [
            ("单位名称", record.unit_name), ("统一社会信用代码", record.credit_code or "（无）"),
            ("单位性质", record.unit_nature), ("单位行业", record.industry), ("单位所在地", place),
            ("工作职位类别", record.job_category),
        ]
    elif group == FieldGroup.BUSINESS:
        rows = [("企业名称", record.unit_name), ("统一社会信用代码", record.credit_code)]
    elif group == FieldGroup.FREELANCE:
        rows = [("从事工作", record.work_kind)]
    elif group == FieldGroup.STUDY:
        rows = [("录取院校", record.school_name), ("录取专业", record.major)]
    elif group == FieldGroup.ABROAD:
        rows = [("国家(地区)", record.country), ("院校", record.school_name)]
    if record.note:
        rows.append(("备注", record.note))
    if record.contract_id:
        rows.append(("协议书编号", record.contract.agreement_no))
    return [(label, str(value) if value not in (None, "") else "—") for label, value in rows]


STATE_BADGES = {
    DestinationState.CONFIRMED: "badge-ok",
    DestinationState.RETURNED: "badge-bad",
    DestinationState.UNREGISTERED: "badge-muted",
}
RECORD_BADGES = {R.CONFIRMED: "badge-ok", R.RETURNED: "badge-bad", R.WITHDRAWN: "badge-muted",
                 R.SUPERSEDED: "badge-muted", R.REVOKED: "badge-muted"}


def state_badge(state: str) -> str:
    return STATE_BADGES.get(state, "badge-warn")


def record_badge(record: DestinationRecord) -> str:
    return RECORD_BADGES.get(record.status, "badge-warn")


def record_steps(record: DestinationRecord) -> list[Step]:
    """提交登记 → 学院审核 → 学校审核 → 已落实 (no 学院审核 for a school that reviews in one level)."""
    status = record.status
    confirmed_like = status in (R.CONFIRMED, R.SUPERSEDED, R.REVOKED)
    steps = [Step("提交登记", "done", record.submitted_at)]
    if record.two_level_review:
        if record.college_approved_at is not None:
            steps.append(Step("学院审核", "done", record.college_approved_at))
        elif status == R.PENDING_COLLEGE:
            steps.append(Step("学院审核", "current"))
        elif status == R.RETURNED:
            steps.append(Step("学院审核", "failed", record.decided_at))
        else:
            steps.append(Step("学院审核", "todo"))
    if confirmed_like:
        steps.append(Step("学校审核", "done", record.decided_at))
    elif status == R.PENDING_SCHOOL:
        steps.append(Step("学校审核", "current"))
    elif status == R.RETURNED and (record.college_approved_at is not None or not record.two_level_review):
        steps.append(Step("学校审核", "failed", record.decided_at))
    else:
        steps.append(Step("学校审核", "todo"))
    steps.append(Step("已落实", "done", record.decided_at) if confirmed_like else Step("已落实", "todo"))
    return steps


def accept_refusal(record: DestinationRecord) -> str:
    """Why 应约 is refused while a registered destination is pending or in force, and what to do."""
    state = "待审核" if record.is_pending else "已落实"
    return (
        f"你已登记毕业去向“{code_label(record)}”（{state}），不能应约。如确需与该单位签约，"
        "请先在“毕业去向”中撤回该登记，或变更为“待就业”“不就业拟升学”“其他暂不就业”后再应约"
    )


# ---------------------------------------------------------------------------------------------- public checks


@dataclass(frozen=True)
class Validity:
    label: str
    badge: str


def validity(record: DestinationRecord) -> Validity:
    """有效 / 已变更 / 已撤销 of a record found by its 核验编号."""
    if record.status == R.CONFIRMED:
        return Validity("有效", "badge-ok")
    if record.status == R.SUPERSEDED:
        return Validity("已变更（已登记新的毕业去向，本记录不再有效）", "badge-muted")
    return Validity("已撤销", "badge-bad")


def destination_check(record: DestinationRecord) -> dict:
    """All that 毕业去向核验 shows: nothing else of the record or the graduate, ever."""
    category = record.code.get_category_display() + ("（线下签约）" if record.offline else "")
    return {
        "name": mask_name(record.graduate.name),
        "school": record.school.name,
        "year": record.graduation_year,
        "category": category,
        "organisation": organisation(record) or "—",
        "validity": validity(record),
    }


def agreement_check(contract) -> dict:
    """All that 协议书核验 shows: the parties, the post, the dates and whether it is in force."""
    terminated = contract.status == ContractStatus.TERMINATED
    return {
        "unit": contract.unit.name,
        "name": mask_name(contract.graduate.name),
        "school": contract.school.name,
        "post": f"{contract.job_category.name}：{contract.post_name}",
        "signed_at": timezone.localtime(contract.signed_at) if contract.signed_at else None,
        "terminated_at": timezone.localtime(contract.closed_at) if terminated and contract.closed_at else None,
        "validity": Validity("已解约", "badge-bad") if terminated else Validity("签约完成", "badge-ok"),
    }


# ---------------------------------------------------------------------------------------------- the graduate's page


def destination_page(destination: Destination, *, holds_active_contract: bool, pending: DestinationRecord | None) -> dict:
    """What 毕业去向 shows a graduate: the record in force, the request and its state, and what they may do now."""
    request = destination.request
    state = rules.state_of(destination) if destination.pk else DestinationState.UNREGISTERED
    return {
        "destination": destination,
        "in_force": destination.record if destination.record_id else None,
        "request_record": request,
        "state_label": DestinationState(state).label,
        "state_badge": state_badge(state),
        "returned": state == DestinationState.RETURNED,
        "request_steps": record_steps(request) if request is not None else [],
        "can_register": rules.can_register(holds_active_contract=holds_active_contract, pending=pending),
        "blocked_by_contract": holds_active_contract,
        "can_withdraw": request is not None and rules.can_withdraw(request),
    }


# ---------------------------------------------------------------------------------------------- the roster


def decorate_roster(graduates) -> None:
    """Give each roster row (a Graduate with destination__code selected) its 毕业去向 and state, as the page shows them."""
    for graduate in graduates:
        destination = getattr(graduate, "destination", None)
        state = destination.state if destination is not None else DestinationState.UNREGISTERED
        # The code in force (none: the state alone says 未落实, or which request is under way).
        graduate.destination_label = (
            f"{destination.code.code} {destination.code.name}" if destination is not None and destination.code_id else ""
        )
        graduate.destination_state_label = DestinationState(state).label
        graduate.destination_badge = state_badge(state)
