"""How contracts read on the page: tab names and explanation lines, 最新状态 labels, progress steps.

No rule is decided here: what a row counts as comes from contracts/rules.py.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone
from django.utils.timesince import timeuntil

from signing_platform.web import url_for_pk

from . import rules
from .models import Contract, ContractStatus, Side, TerminationRequest, TerminationStage, TerminationStatus
from .rules import EmployerTab

S = ContractStatus
T = TerminationStatus


@dataclass(frozen=True)
class Tab:
    key: EmployerTab
    label: str
    explanation: str

    @property
    def statuses(self) -> tuple[str, ...]:
        """The choices of the tab's 最新状态 filter."""
        return rules.TAB_STATUSES[self.key]

    @property
    def lists_favorites(self) -> bool:
        return self.key == EmployerTab.FAVORITES


# 签约解约's tabs, in the seed's order, with the seed's explanation lines.
EMPLOYER_TABS = [
    Tab(EmployerTab.FAVORITES, "学生收藏夹",
        "本页为您通过“添加学生”加入收藏夹的学生，可向其发送签约邀请函。加入收藏夹后信息不可变更。"),
    Tab(EmployerTab.SIGNING, "签约中",
        "本页包括您已经发出邀请正在等待对方应约、学生已应约提交学校（学院）审核中的记录，学校审核通过后的记录将进入“已签约”菜单，"
        "学生拒绝/超时/学校审核不通过的记录将进入“签约失败”菜单。"),
    Tab(EmployerTab.SIGNED, "已签约", "本页为学校审核通过、已完成签约的记录。"),
    Tab(EmployerTab.FAILED, "签约失败",
        "本页记录均为签约失败的情况，可能包括学生拒绝签约、学生逾期未回应、学校/学院审核不通过。您可再次发起邀请。"),
    Tab(EmployerTab.TERMINATING, "解约中", "本页为已提出解约申请、等待对方确认或学校审核的记录。"),
    Tab(EmployerTab.TERMINATED, "已解约", "本页为解约已完成的记录。"),
    Tab(EmployerTab.TERMINATION_FAILED, "解约失败", "本页为解约申请未获同意或学校审核不通过的记录，原协议继续有效。"),
    Tab(EmployerTab.VOID, "失效", "本页为单位已撤回，或因学生已与其他单位签约、毕业年度关闭而失效的邀请。您可再次发起邀请。"),
]
TABS_BY_KEY = {tab.key: tab for tab in EMPLOYER_TABS}
DEFAULT_TAB = TABS_BY_KEY[EmployerTab.SIGNING]


def tab_for(key: str | None) -> Tab:
    """The tab a `?tab=` parameter names; 签约中 for anything else."""
    try:
        return TABS_BY_KEY[EmployerTab(key)]
    except ValueError:
        return DEFAULT_TAB


# ---------------------------------------------------------------------------------------------- 最新状态


def status_label(contract: Contract, now: datetime, *, viewer: str | None = None,
                 termination_requester: str | None = None) -> str:
    """最新状态 as users read it. With `viewer` (a Side) and the open request's requester side, a termination waiting
    for the viewer's answer says 待您确认."""
    status = rules.effective_status(contract, now)
    if status == S.ACCEPTED:
        return "学生已应约提交申请（待学院审核）" if contract.two_level_review else "学生已应约提交申请（待学校审核）"
    if status == S.COLLEGE_APPROVED:
        return "学院审核通过（待学校审核）"
    if status == S.REJECTED and contract.review_note:
        return f"{S.REJECTED.label}：{contract.review_note}"
    if status == S.TERMINATING:
        stage = contract.termination_stage
        if stage == TerminationStage.COUNTERPART and viewer and termination_requester:
            return "解约中（待您确认）" if termination_requester != viewer else "解约中（等待对方确认）"
        return f"解约中（{contract.get_termination_stage_display()}）"
    if status == S.SIGNED and contract.termination_stage == TerminationStage.FAILED:
        return f"解约失败（{contract.termination_note}）" if contract.termination_note else "解约失败"
    return S(status).label


def employer_status_label(row: Contract, now: datetime) -> str:
    """最新状态 of a row of a 签约解约 tab (its page and its 导出Excel), read by the unit."""
    return status_label(row, now, viewer=Side.EMPLOYER, termination_requester=getattr(row, "termination_requester", None))


def termination_status_label(request: TerminationRequest, now: datetime) -> str:
    if rules.termination_overdue(request, now):
        return T.EXPIRED.label
    return request.get_status_display()


# ---------------------------------------------------------------------------------------------- progress


@dataclass(frozen=True)
class Step:
    label: str
    state: str  # "done", "current", "failed" or "todo"
    at: datetime | None = None


def progress_steps(contract: Contract, now: datetime) -> list[Step]:
    """单位已发起邀请 → 等待学生应约 → 学校(学院)审核 → 签约完成, each with its time and state."""
    status = rules.effective_status(contract, now)
    signed_like = status in rules.AGREEMENT_STATES
    if contract.accepted_at is not None:
        answer = Step("等待学生应约", "done", contract.accepted_at)
    elif status == S.INVITED:
        answer = Step("等待学生应约", "current")
    else:
        answer = Step("等待学生应约", "failed", contract.closed_at)
    if signed_like:
        review = Step("学校(学院)审核", "done", contract.signed_at)
    elif status in (S.ACCEPTED, S.COLLEGE_APPROVED):
        review = Step("学校(学院)审核", "current", contract.college_approved_at)
    elif status == S.REJECTED:
        review = Step("学校(学院)审核", "failed", contract.closed_at)
    else:
        review = Step("学校(学院)审核", "todo")
    done = Step("签约完成", "done", contract.signed_at) if signed_like else Step("签约完成", "todo")
    return [Step("单位已发起邀请", "done", contract.created_at), answer, review, done]


def termination_steps(request: TerminationRequest | None, now: datetime) -> list[Step]:
    """申请解约 → 对方确认 → 学校审核 → 解约完成 for a request; [] without one."""
    if request is None:
        return []
    status = T.EXPIRED if rules.termination_overdue(request, now) else request.status
    if status == T.PENDING:
        answer = Step("对方确认", "current")
    elif status == T.DISAGREED:
        answer = Step("对方确认", "failed", request.answered_at)
    elif status == T.EXPIRED:
        answer = Step("对方确认", "failed", request.counterpart_deadline)
    else:
        answer = Step("对方确认", "done", request.answered_at)
    if status == T.AGREED:
        review = Step("学校审核", "current")
    elif status == T.APPROVED:
        review = Step("学校审核", "done", request.reviewed_at)
    elif status == T.REJECTED:
        review = Step("学校审核", "failed", request.reviewed_at)
    else:
        review = Step("学校审核", "todo")
    done = Step("解约完成", "done", request.reviewed_at) if status == T.APPROVED else Step("解约完成", "todo")
    return [Step("申请解约", "done", request.created_at), answer, review, done]



# ---------------------------------------------------------------------------------------------- page context


def local_minute(moment: datetime | None) -> str:
    """A time as the lists show it (Asia/Shanghai, to the minute)."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def employer_rows(page, tab: Tab, now: datetime) -> None:
    """Turn a 签约解约 page's records into the flat rows its template prints: texts, links and the booleans of the
    rules, worked out here once (a template resolving the same through model attributes costs three times as much)."""
    rows = []
    if tab.lists_favorites:
        invite_url, remove_url = url_for_pk("contracts:invite"), url_for_pk("contracts:favorite_remove")
        for number, favorite in enumerate(page.object_list, start=page.start_index()):
            graduate = favorite.graduate
            rows.append({
                **_student_cells(number, graduate, graduate.school),
                "time": local_minute(favorite.created_at),
                "can_invite": rules.can_invite_from_favorite(has_open_contract=favorite.has_open_contract),
                "can_remove": rules.can_remove_favorite(has_open_contract=favorite.has_open_contract),
                "invite_url": invite_url(favorite.pk), "remove_url": remove_url(favorite.pk),
            })
    else:
        detail_url, reinvite_url = url_for_pk("contracts:employer_detail"), url_for_pk("contracts:reinvite")
        terminate_url = url_for_pk("contracts:employer_terminate")
        for number, contract in enumerate(page.object_list, start=page.start_index()):
            actions = rules.employer_actions(contract, now, in_favorites=getattr(contract, "in_favorites", True))
            rows.append({
                **_student_cells(number, contract.graduate, contract.school),
                "status": employer_status_label(contract, now),
                "time": local_minute(contract.last_event_at),
                "can_reinvite": actions["can_reinvite"],
                "can_request_termination": actions["can_request_termination"],
                "detail_url": detail_url(contract.pk), "reinvite_url": reinvite_url(contract.pk),
                "terminate_url": terminate_url(contract.pk),
            })
    page.object_list = rows


def review_rows(page) -> None:
    """待审核's rows, flat (see `employer_rows`)."""
    detail_url = url_for_pk("contracts:review_detail")
    page.object_list = [
        {
            "pk": contract.pk, "number": number, "name": contract.graduate.name, "id_masked": contract.graduate.id_masked,
            "college": contract.college.name, "major": contract.graduate.major,
            "level": contract.graduate.get_education_level_display(), "unit": contract.unit.name,
            "post": contract.post_name, "time": local_minute(contract.accepted_at), "detail_url": detail_url(contract.pk),
        }
        for number, contract in enumerate(page.object_list, start=page.start_index())
    ]


def termination_rows(page) -> None:
    """解约审核's rows, flat (see `employer_rows`)."""
    detail_url = url_for_pk("contracts:review_detail")
    rows = []
    for number, request in enumerate(page.object_list, start=page.start_index()):
        contract = request.contract
        rows.append({
            "number": number, "name": contract.graduate.name, "id_masked": contract.graduate.id_masked,
            "college": contract.college.name, "unit": contract.unit.name, "side": request.get_requester_side_display(),
            "reason": request.reason, "time": local_minute(request.answered_at), "detail_url": detail_url(contract.pk),
        })
    page.object_list = rows


def workbench_rows(expiring, events, now: datetime) -> dict:
    """工作台's two short lists, flat."""
    detail_url = url_for_pk("contracts:employer_detail")
    return {
        "expiring": [
            {"name": contract.graduate.name, "school": contract.school.name, "post": contract.post_name,
             "deadline": local_minute(contract.deadline), "deadline_iso": contract.deadline.isoformat(),
             "left": timeuntil(contract.deadline, now), "detail_url": detail_url(contract.pk)}
            for contract in expiring
        ],
        "latest_events": [
            {"time": local_minute(event.created_at), "time_iso": event.created_at.isoformat(),
             "name": event.contract.graduate.name, "action": event.get_action_display(), "note": event.note,
             "detail_url": detail_url(event.contract_id)}
            for event in events
        ],
    }


def _student_cells(number: int, graduate, school) -> dict:
    return {
        "number": number, "name": graduate.name, "id_masked": graduate.id_masked, "school": school.name,
        "level": graduate.get_education_level_display(), "major": graduate.major,
    }


def decorate_status(rows, now: datetime) -> None:
    """最新状态 of rows shown to someone who is not a party (reviewers) or needs no per-row action."""
    for row in rows:
        row.status_text = status_label(row, now)


def contract_page(contract: Contract, termination: TerminationRequest | None, now: datetime, *,
                  viewer: str | None, actions: dict[str, bool]) -> dict:
    """What 查看详情 and 我的签约 show of one contract, for a party (`viewer`, a Side) or a reviewer (None)."""
    requester = termination.requester_side if termination is not None and termination.status == T.PENDING else None
    return {
        "contract": contract,
        "status_text": status_label(contract, now, viewer=viewer, termination_requester=requester),
        "steps": progress_steps(contract, now),
        "termination": termination,
        "termination_steps": termination_steps(termination, now),
        "termination_status_text": termination_status_label(termination, now) if termination else "",
        "termination_waiting": rules.termination_pending(termination, now),
        "actions": actions,
    }
