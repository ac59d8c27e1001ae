"""Who may reach each URL of the platform: the table test_access_matrix.py checks against the URL resolver.

Every named URL pattern (admin aside: ADMIN_PREFIX declares all of it staff-only) has one entry in ACCESS:

- ``Public()``: anyone, signed in or not (a GET must not be a 5xx).
- ``Reach(...)``: the identities of the cast (IDENTITIES) that reach it; every other identity gets 404, the sign-in page
  (anonymous) or 405 (a method the view never takes), for GET, POST and htmx alike, and nothing in the database
  changes. For an object URL, ``build`` makes the victim's record (the cast's unit, graduate, college and school) and
  returns the URL's kwargs; ``harmless`` names identities that may open the page but must not change the record (a
  school reviewer on a contract still at the college step, a reviewer posting another school's ids to a batch).

Declaring a new URL: add its name here with the narrowest Reach that is true, and a builder for its record if it
takes one. The owners are checked too (they must reach it), so a declaration that is too narrow fails as well.
"""

import datetime
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

# ---------------------------------------------------------------------------------------------- the cast

ANONYMOUS = "anonymous"
UNIT = ("employer", "sub_account")  # the victim unit's admin and a sub-account of it
OTHER_UNIT = ("other_employer", "other_sub_account")
EMPLOYERS = UNIT + OTHER_UNIT
UNIT_ADMINS = ("employer", "other_employer")
STUDENTS = ("student", "other_student")
COLLEGE = ("college_reviewer", "second_college_reviewer")  # reviewers of the victim's college
SCHOOL = ("school_reviewer", "second_school_reviewer")  # reviewers of the victim's school
OTHER_REVIEWERS = ("other_college_reviewer", "other_school_reviewer")  # another college; another school
SCHOOL_REVIEWERS = SCHOOL + ("other_school_reviewer",)
REVIEWERS = COLLEGE + SCHOOL + OTHER_REVIEWERS
OPERATORS = ("operator", "staff")  # role 平台管理员 without is_staff; staff without any permission
IDENTITIES = (ANONYMOUS, *EMPLOYERS, *STUDENTS, *REVIEWERS, *OPERATORS)
SIGNED_IN = tuple(name for name in IDENTITIES if name != ANONYMOUS)
PARTIES = UNIT + ("student",) + COLLEGE + SCHOOL  # the three parties of the victim's contract

# Every admin URL: staff only (non-staff get the admin's sign-in page), checked as a group.
ADMIN_PREFIX = "admin:"


@dataclass(frozen=True)
class Public:
    kwargs: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Reach:
    who: tuple
    build: object = None  # world -> Target (the victim's record and the URL's kwargs)
    harmless: tuple = ()
    kwargs: dict = field(default_factory=dict)
    # A POST by an owner changes the database (proves the POST the attackers send would have done something).
    owner_post_changes: bool = False


@dataclass
class Target:
    kwargs: dict
    post: dict = field(default_factory=dict)


# The POST every identity sends: each view's fields filled as its owner would fill them to succeed.
POST = {
    "decision": "yes", "reason": "攻击测试", "note": "攻击测试", "reply": "攻击测试", "status": "resolved",
    "details_confirmed": "on", "binding_understood": "on", "archive_confirmed": "on",
    "name": "攻击测试", "mobile": "13900009999", "job_category": "", "post_name": "攻击岗位", "valid_days": "7",
}


# ---------------------------------------------------------------------------------------------- the victim's records


def _contracts():
    from contracts import services

    return services


def _invite(world):
    return world.invite()


def invited(world):
    return Target({"pk": _invite(world).pk})


def at_college(world):
    """Accepted by the student: the college's step (in a two-level school)."""
    contract = _invite(world)
    _contracts().accept(actor=world.student, contract=contract)
    return Target({"pk": contract.pk})


def at_college_ids(world):
    """The same contract, posted by id to a batch approval."""
    return Target({}, post={"contract": [at_college(world).kwargs["pk"]]})


def signed(world):
    return Target({"pk": world.sign(_invite(world)).pk})


def withdrawn(world):
    contract = _contracts().withdraw(actor=world.employer, contract=_invite(world))
    return Target({"pk": contract.pk})


def _letter():
    return SimpleUploadedFile("解约函.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF\n", content_type="application/pdf")


def _termination(world, *, by):
    contract = world.sign(_invite(world))
    request = _contracts().request_termination(actor=getattr(world, by), contract=contract, reason="岗位取消",
                                               attachment=_letter())
    return contract, request


def asked_by_employer(world):
    contract, request = _termination(world, by="employer")
    return Target({"pk": contract.pk}, post={"decision": "yes"})


def asked_by_student(world):
    contract, request = _termination(world, by="student")
    return Target({"pk": contract.pk}, post={"decision": "yes"})


def termination_letter(world):
    contract, request = _termination(world, by="employer")
    return Target({"pk": contract.pk, "request_pk": request.pk})


def termination_at_school(world):
    contract, _request = _termination(world, by="employer")
    _contracts().answer_termination(actor=world.student, contract=contract, agree=True)
    return Target({"pk": contract.pk}, post={"decision": "yes"})


def favorite(world):
    return Target({"pk": world.favorite.pk})


def favorite_to_invite(world):
    return Target({"favorite_pk": world.favorite.pk},
                  post={"job_category": world.job_category.pk, "contact": world.contact.pk})


def licence(world):
    from tests.employers.factories import AuthenticationRequestFactory

    return Target({"request_id": AuthenticationRequestFactory(unit=world.unit, submitted_by=world.employer).pk})


def contact(world):
    return Target({"contact_id": world.contact.pk}, post={"name": "攻击者", "mobile": "13900009999"})


def second_contact(world):
    """A second contact of the unit: the only active one cannot be switched off."""
    from tests.employers.factories import ContactFactory

    return Target({"contact_id": ContactFactory(unit=world.unit).pk})


def sub_account(world):
    return Target({"member_id": world.sub_account.unit_member.pk})


def graduate(world):
    return Target({"graduate_id": world.graduate.pk})


def college_reviewer(world):
    return Target({"reviewer_id": world.college_reviewer.reviewer.pk})


def correction(world):
    from schools import services

    return Target({"correction_id": services.correction_request_create(graduate=world.graduate, message="专业有误").pk})


def export(world):
    from exports.models import Export, ExportStatus

    made = Export.objects.create(
        user=world.employer, kind="employer_list", title="签约解约", background=True, status=ExportStatus.DONE,
        file=ContentFile(b"PK\x03\x04 victim", name="victim.xlsx"),
        expires_at=timezone.now() + datetime.timedelta(days=1),
    )
    return Target({"pk": made.pk})


def _destination(world):
    from django.apps import apps

    from students import services
    from students.models import DestinationCode
    from tests.students.conftest import fields_for, png_bytes, seed_destination_codes

    seed_destination_codes(apps, None)
    code = DestinationCode.objects.get(code="11")
    registration = services.Registration(code=code, **fields_for(code))
    proof = SimpleUploadedFile("proof.png", png_bytes(), content_type="image/png")
    return services.register(actor=world.student, registration=registration, proof=proof)


def destination(world):
    """A 毕业去向 registration of the victim graduate, at the college's step."""
    record = _destination(world)
    return Target({"pk": record.pk})


def destination_ids(world):
    return Target({}, post={"record": [destination(world).kwargs["pk"]]})


def destination_in_force(world):
    from students import services

    record = _destination(world)
    services.approve(actor=world.college_reviewer, record=record)
    services.approve(actor=world.school_reviewer, record=record)
    return Target({})


# ---------------------------------------------------------------------------------------------- the table

ACCESS = {
    # The site
    "home": Public(),
    "healthz": Public(),  # 503 (naming what is down) when a service does not answer
    "guide": Public({"audience": "student"}),
    "sms_outbox": Public(),  # the development outbox: 404 unless DEBUG
    # Accounts
    "accounts:register": Public(),
    "accounts:login": Public(),
    "accounts:logout": Public(),
    "accounts:password_reset": Public(),
    "accounts:password_change": Reach(SIGNED_IN),
    # Employers
    "employers:home": Reach(EMPLOYERS),
    "employers:system_choice": Reach(EMPLOYERS),
    "employers:authentication": Reach(EMPLOYERS),
    "employers:cities": Reach(EMPLOYERS),
    "employers:licence": Reach(UNIT, build=licence),
    "employers:archive": Reach(EMPLOYERS),
    "employers:account": Reach(EMPLOYERS),
    "employers:contact_add": Reach(EMPLOYERS),
    "employers:contact_edit": Reach(UNIT, build=contact, owner_post_changes=True),
    "employers:contact_toggle": Reach(UNIT, build=second_contact, owner_post_changes=True),
    "employers:sub_account_add": Reach(UNIT_ADMINS),
    "employers:sub_account_toggle": Reach(("employer",), build=sub_account, owner_post_changes=True),
    "employers:mobile_change": Reach(EMPLOYERS),
    "employers:sub_account_password": Public(),
    # Students
    "students:home": Reach(STUDENTS),
    "students:activate": Public(),
    "students:confirm": Reach(STUDENTS),
    "students:correction": Reach(STUDENTS),
    "students:profile": Reach(STUDENTS),
    "students:change_mobile": Reach(STUDENTS),
    # Schools: roster, reviewers, corrections
    "schools:roster": Reach(REVIEWERS),
    "schools:graduate_edit": Reach(COLLEGE + SCHOOL, build=graduate),
    "schools:graduate_id_number": Reach(COLLEGE + SCHOOL, build=graduate),
    "schools:roster_import": Reach(SCHOOL_REVIEWERS),
    "schools:roster_template": Reach(SCHOOL_REVIEWERS),
    "schools:reviewers": Reach(SCHOOL_REVIEWERS),
    "schools:reviewer_set_active": Reach(SCHOOL, build=college_reviewer, owner_post_changes=True),
    "schools:corrections": Reach(REVIEWERS),
    "schools:statistics": Reach(REVIEWERS),  # each reviewer's own scope (tests/statistics: which graduates count)
    "schools:correction_resolve": Reach(COLLEGE + SCHOOL, build=correction, owner_post_changes=True),
    # Exports (start: the most restricted list, 解约审核, school reviewers only)
    "exports:start": Reach(SCHOOL_REVIEWERS, kwargs={"kind": "termination_queue"}),
    "exports:status": Reach(("employer",), build=export),
    "exports:download": Reach(("employer",), build=export),
    # 毕业去向
    "destinations:student": Reach(STUDENTS),
    "destinations:register": Reach(STUDENTS),
    "destinations:certificate": Reach(("student",), build=destination_in_force),
    "destinations:withdraw": Reach(("student",), build=destination, owner_post_changes=True),
    "destinations:proof": Reach(("student",), build=destination),
    "destinations:review_queue": Reach(REVIEWERS),
    "destinations:review_history": Reach(REVIEWERS),
    "destinations:review_batch_approve": Reach(COLLEGE, build=destination_ids, harmless=SCHOOL + OTHER_REVIEWERS,
                                               owner_post_changes=True),
    "destinations:review_detail": Reach(COLLEGE + SCHOOL, build=destination),
    "destinations:review_proof": Reach(COLLEGE + SCHOOL, build=destination),
    "destinations:review_approve": Reach(COLLEGE, build=destination, harmless=SCHOOL, owner_post_changes=True),
    "destinations:review_return": Reach(COLLEGE, build=destination, harmless=SCHOOL, owner_post_changes=True),
    "destinations:verify_destination": Public(),
    "destinations:verify_agreement": Public(),
    # 签约解约 (employers)
    "contracts:employer_list": Reach(EMPLOYERS),
    "contracts:add_student": Reach(EMPLOYERS),
    "contracts:favorite_remove": Reach(UNIT, build=favorite, owner_post_changes=True),
    "contracts:invite": Reach(UNIT, build=favorite_to_invite, owner_post_changes=True),
    "contracts:employer_detail": Reach(UNIT, build=invited),
    "contracts:withdraw": Reach(UNIT, build=invited, owner_post_changes=True),
    "contracts:reinvite": Reach(UNIT, build=withdrawn),
    "contracts:employer_terminate": Reach(UNIT, build=signed, owner_post_changes=True),
    "contracts:employer_termination_answer": Reach(UNIT, build=asked_by_student, owner_post_changes=True),
    # The three parties
    "contracts:agreement_pdf": Reach(PARTIES, build=signed),
    "contracts:termination_letter": Reach(PARTIES, build=termination_letter),
    # 我的邀请 (students)
    "contracts:student_invitations": Reach(STUDENTS),
    "contracts:student_detail": Reach(("student",), build=invited),
    "contracts:student_accept": Reach(("student",), build=invited, owner_post_changes=True),
    "contracts:student_refuse": Reach(("student",), build=invited, owner_post_changes=True),
    "contracts:student_terminate": Reach(("student",), build=signed, owner_post_changes=True),
    "contracts:student_termination_answer": Reach(("student",), build=asked_by_employer, owner_post_changes=True),
    # 待审核 / 已审核 and 解约审核 (reviewers)
    "contracts:review_queue": Reach(REVIEWERS),
    "contracts:review_history": Reach(REVIEWERS),
    "contracts:review_batch_approve": Reach(COLLEGE, build=at_college_ids, harmless=SCHOOL + OTHER_REVIEWERS,
                                            owner_post_changes=True),
    "contracts:review_detail": Reach(COLLEGE + SCHOOL, build=at_college),
    "contracts:review_id_number": Reach(COLLEGE + SCHOOL, build=at_college),
    "contracts:review_approve": Reach(COLLEGE, build=at_college, harmless=SCHOOL, owner_post_changes=True),
    "contracts:review_reject": Reach(COLLEGE, build=at_college, harmless=SCHOOL, owner_post_changes=True),
    "contracts:termination_queue": Reach(SCHOOL_REVIEWERS),
    "contracts:termination_history": Reach(SCHOOL_REVIEWERS),
    "contracts:termination_review": Reach(SCHOOL, build=termination_at_school, owner_post_changes=True),
}
