"""Changes of state for schools: roster import and edits, college reviewers, correction requests."""

import time
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from contracts import services as contract_services
from contracts.selectors import invitations_of_year
from signing_platform import ratelimits
from signing_platform.access import is_operator
from signing_platform.accounts import audit
from signing_platform.accounts.models import Role, User
from signing_platform.crypto import encrypt_id_number, id_number_hash
from signing_platform.errors import NotFound
from signing_platform.sms.services import notify
from signing_platform.validators import mask_id_number

from . import rules
from .models import College, CorrectionRequest, CorrectionStatus, Graduate, GraduationYearClosure, Reviewer, School
from .roster_import import CheckedRoster
from .selectors import graduate_for_reviewer, graduates_for_reviewer, reviewer_for_user

# The roster fields an import sets; the ID number (hash) and graduation year identify the entry.
IMPORTED_FIELDS = ("name", "student_no", "gender", "education_level", "major", "major_category", "college_id", "mobile")


def _require_school_reviewer(reviewer: Reviewer) -> None:
    if not reviewer.is_active or not reviewer.is_school_reviewer:
        raise ValidationError("只有学校审核员可以进行此操作")


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    skipped: int


def roster_import(*, reviewer: Reviewer, checked: CheckedRoster, skip_bad_rows: bool) -> ImportResult:
    """Write checked roster rows for the reviewer's school: insert new entries, update changed ones, all or nothing.

    A file with bad rows writes nothing unless skip_bad_rows. Entries are matched by (school, ID number, year), so
    importing the same file again changes nothing.
    """
    _require_school_reviewer(reviewer)
    if checked.errors and not skip_bad_rows:
        raise ValidationError("文件中有错误的行，未导入任何数据")
    with transaction.atomic():
        # One import per school at a time: a second one waits here instead of racing on the unique key.
        school = School.objects.select_for_update().get(pk=reviewer.school_id)
        colleges = dict(College.objects.filter(school=school).values_list("name", "id"))
        years = {row.graduation_year for row in checked.rows}
        existing = {
            (graduate.id_hash, graduate.graduation_year): graduate
            for graduate in Graduate.objects.filter(school=school, graduation_year__in=years).only(
                "id", "id_hash", "graduation_year", *IMPORTED_FIELDS
            )
        }
        to_create, to_update, unchanged = [], [], 0
        for row in checked.rows:
            values = {
                "name": row.name,
                "student_no": row.student_no,
                "gender": row.gender,
                "education_level": row.education_level,
                "major": row.major,
                "major_category": row.major_category,
                "college_id": colleges.get(row.college_name),
                "mobile": row.mobile,
            }
            if values["college_id"] is None:
                raise ValidationError(f"第{row.line}行：院系“{row.college_name}”不存在")
            id_hash = id_number_hash(row.id_number)
            graduate = existing.get((id_hash, row.graduation_year))
            if graduate is None:
                to_create.append(
                    Graduate(
                        school=school,
                        graduation_year=row.graduation_year,
                        id_hash=id_hash,
                        id_encrypted=encrypt_id_number(row.id_number),
                        id_masked=mask_id_number(row.id_number),
                        **values,
                    )
                )
            elif any(getattr(graduate, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(graduate, name, value)
                graduate.updated_at = timezone.now()
                to_update.append(graduate)
            else:
                unchanged += 1
        _insert_graduates(to_create)
        Graduate.objects.bulk_update(to_update, [*IMPORTED_FIELDS, "updated_at"], batch_size=1000)
        contract_services.student_names_changed(graduate_ids=[graduate.pk for graduate in to_update])
        result = ImportResult(len(to_create), len(to_update), unchanged, len(checked.errors))
        audit.record(
            actor=reviewer.user,
            action="roster.import",
            target=school,
            created=result.created,
            updated=result.updated,
            unchanged=result.unchanged,
            skipped=result.skipped,
        )
    return result


def _insert_graduates(graduates: list[Graduate]) -> None:
    """bulk_create; on PostgreSQL a COPY, several times faster for a roster of 100,000 (bench/roster_import.py)."""
    if connection.vendor != "postgresql":
        Graduate.objects.bulk_create(graduates, batch_size=2000)
        return
    now = timezone.now()
    fields = [field for field in Graduate._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(
        f"COPY {connection.ops.quote_name(Graduate._meta.db_table)} ({columns}) FROM STDIN"
    ) as copy:
        for graduate in graduates:
            graduate.created_at = graduate.updated_at = now
            copy.write_row([getattr(graduate, field.attname) for field in fields])


def graduate_update(*, reviewer: Reviewer, graduate: Graduate, data: dict) -> Graduate:
    """Change a roster entry in the reviewer's scope; `data` holds model fields plus `id_number` (normalised)."""
    if not reviewer.is_active:
        raise ValidationError("审核员账号已停用")
    college = data["college"]
    if college.school_id != reviewer.school_id or (reviewer.college_id and college.pk != reviewer.college_id):
        raise ValidationError({"college": "请选择本校（本院系）的院系"})
    try:
        with transaction.atomic():
            locked = graduate_for_reviewer(reviewer=reviewer, graduate_id=graduate.pk, for_update=True)
            changed = []
            for name, value in data.items():
                if name == "id_number":
                    if id_number_hash(value) != locked.id_hash:
                        locked.set_id_number(value)
                        changed.append("id_number")
                elif getattr(locked, name) != value:
                    setattr(locked, name, value)
                    changed.append(name)
            if changed:
                fields = [name for name in changed if name != "id_number"]
                if "id_number" in changed:
                    fields += ["id_hash", "id_encrypted", "id_masked"]
                locked.save(update_fields=[*fields, "updated_at"])
                if "name" in changed:
                    contract_services.student_names_changed(graduate_ids=[locked.pk])
                audit.record(actor=reviewer.user, action="graduate.update", target=locked, fields=changed)
    except IntegrityError:
        raise ValidationError({"id_number": "本校该毕业年份已有此身份证号的生源信息"}) from None
    return locked


# 查看完整证件号: enough for a reviewer checking an agreement or a correction, too few to copy a roster by hand.
ID_REVEALS_PER_HOUR = 20
REVEAL_PERMISSION = "schools.reveal_id_number"


def graduate_reveal_id_number(*, actor: User, graduate: Graduate) -> str:
    """The full 身份证号 of a roster entry, for a reviewer whose college or school holds it or an operator with the
    reveal permission (anyone else: NotFound). Each reveal is audited — who, when, which graduate — and a person may
    reveal ID_REVEALS_PER_HOUR; past that, ValidationError and nothing is shown or recorded."""
    if is_operator(actor, REVEAL_PERMISSION):
        graduates = Graduate.objects.all()
    else:
        reviewer = reviewer_for_user(actor)
        if reviewer is None:
            raise NotFound
        graduates = graduates_for_reviewer(reviewer)
    found = graduates.filter(pk=graduate.pk).only("id_encrypted").first()
    if found is None:
        raise NotFound
    try:
        # The counters need no request: the key is the person, whatever address they use.
        limited = ratelimits.hit(None, group="id-reveal", key=str(actor.pk), rate=f"{ID_REVEALS_PER_HOUR}/h")
    except ratelimits.RateLimitUnavailable:
        raise ValidationError("系统繁忙，请稍后再试") from None
    if limited:
        raise ValidationError(f"查看完整证件号过于频繁（每小时最多{ID_REVEALS_PER_HOUR}次），请稍后再试")
    audit.record(actor=actor, action="graduate.reveal_id_number", target=found)
    return found.id_number()


def college_reviewer_create(*, reviewer: Reviewer, college: College, username: str, name: str, password: str) -> Reviewer:
    """A school reviewer adds a reviewer for one of its school's colleges."""
    _require_school_reviewer(reviewer)
    if college.school_id != reviewer.school_id:
        raise ValidationError({"college": "请选择本校的院系"})
    try:
        with transaction.atomic():
            user = User.objects.create_user(role=Role.COLLEGE_REVIEWER, username=username, name=name, password=password)
            created = Reviewer.objects.create(
                user=user, role=Role.COLLEGE_REVIEWER, school_id=reviewer.school_id, college=college
            )
            audit.record(actor=reviewer.user, action="reviewer.create", target=created, college=college.name)
    except IntegrityError:
        raise ValidationError({"username": "该用户名已被使用"}) from None
    return created


def college_reviewer_set_active(*, reviewer: Reviewer, target: Reviewer, active: bool) -> bool:
    """Enable or disable a college reviewer of the school reviewer's school; False if it already was so."""
    _require_school_reviewer(reviewer)
    with transaction.atomic():
        changed = Reviewer.objects.filter(
            pk=target.pk, school_id=reviewer.school_id, role=Role.COLLEGE_REVIEWER, is_active=not active
        ).update(is_active=active)
        if changed:
            # A disabled reviewer can no longer sign in at all.
            User.objects.filter(pk=target.user_id).update(is_active=active)
            audit.record(actor=reviewer.user, action="reviewer.enable" if active else "reviewer.disable", target=target)
    return bool(changed)


def correction_request_create(*, graduate: Graduate, message: str) -> CorrectionRequest:
    """A graduate asks their school to correct their roster data; one open request at a time."""
    message = message.strip()
    if not message:
        raise ValidationError({"message": "请填写需要更正的内容"})
    try:
        with transaction.atomic():
            correction = CorrectionRequest.objects.create(graduate=graduate, message=message)
            audit.record(actor=graduate.user, action="correction.request", target=correction)
    except IntegrityError:
        raise ValidationError({"message": "您已有一条待处理的更正申请，请等待学校处理"}) from None
    return correction


def correction_resolve(
    *, reviewer: Reviewer, correction: CorrectionRequest, status: str, reply: str = ""
) -> bool:
    """Close a pending correction request as corrected or declined; False if someone already closed it."""
    if status not in (CorrectionStatus.RESOLVED, CorrectionStatus.DECLINED):
        raise ValidationError("无效的处理结果")
    if status == CorrectionStatus.DECLINED and not reply.strip():
        raise ValidationError({"reply": "不予更正时请填写说明"})
    with transaction.atomic():
        closed = CorrectionRequest.objects.filter(
            pk=correction.pk, graduate__school_id=reviewer.school_id, status=CorrectionStatus.PENDING
        ).update(status=status, reply=reply.strip(), resolved_at=timezone.now(), resolved_by=reviewer.user)
        if closed:
            audit.record(actor=reviewer.user, action=f"correction.{status}", target=correction, reply=reply.strip())
            mobile = correction.graduate.user.mobile if correction.graduate.user_id else correction.graduate.mobile
            if mobile:
                label = CorrectionStatus(status).label
                notify(mobile=mobile, text=f"【网签平台】您的信息更正申请学校已处理：{label}。请登录平台查看。")
    return bool(closed)


# ---------------------------------------------------------------------------------------------- closing a year

# The closures' admin is read-only, so its change permission means "may close graduation years".
CLOSE_YEAR_PERMISSION = "schools.change_graduationyearclosure"
# Invitations a transition held while the closing passed over them are tried again this often before it reports them.
_CLOSE_RETRIES, _CLOSE_RETRY_SECONDS = 3, 0.5


@dataclass(frozen=True)
class YearClosing:
    closure: GraduationYearClosure
    created: bool  # False: the year was already closed (its remaining invitations were voided again)
    voided: int
    left: int  # invitations of the year still open because another transaction held them


def graduation_year_close(*, actor: User, school: School | None, year: int, reason: str) -> YearClosing:
    """An operator closes a 毕业年份 (届) for one school or for every school (None), with a reason: recorded and
    audited, then its invitations still awaiting an answer become VOIDED (毕业年度已关闭). Closing a year again only
    voids what is left of it."""
    if not is_operator(actor, CLOSE_YEAR_PERMISSION):
        raise NotFound
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写关闭原因"})
    if len(reason) > 200:
        raise ValidationError({"reason": "关闭原因不能超过200个字"})
    if not isinstance(year, int) or not 2000 <= year <= 2100:
        raise ValidationError({"year": "请填写正确的毕业年份"})
    school_id = school.pk if school is not None else None
    with transaction.atomic():
        rules.lock_for_closing(school_id=school_id, year=year)
        closure = GraduationYearClosure.objects.filter(school_id=school_id, year=year).first()
        created = closure is None
        if created:
            if school_id is not None and rules.year_closed(school_id=school_id, year=year):
                raise ValidationError({"year": f"{year}届毕业年度已对全部学校关闭"})
            closure = GraduationYearClosure.objects.create(school=school, year=year, reason=reason, closed_by=actor)
            audit.record(actor=actor, action="graduation_year.close", target=closure, year=year, reason=reason,
                         school=school.code if school is not None else "全部学校")
    voided = contract_services.void_closed_year_invitations(actor=actor, school_id=school_id, year=year)
    for _ in range(_CLOSE_RETRIES):
        if not _still_open(school_id, year):
            break
        time.sleep(_CLOSE_RETRY_SECONDS)
        voided += contract_services.void_closed_year_invitations(actor=actor, school_id=school_id, year=year)
    GraduationYearClosure.objects.filter(pk=closure.pk).update(voided=F("voided") + voided)
    closure.refresh_from_db()
    return YearClosing(closure=closure, created=created, voided=voided, left=_still_open(school_id, year))


def _still_open(school_id: int | None, year: int) -> int:
    return invitations_of_year(school_id=school_id, year=year).count()
