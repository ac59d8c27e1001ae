"""Form fuzz: every form class of the project is found, mapped to the URL(s) that post it, and those URLs are fed
hostile input by their legitimate user (long strings, NUL, emoji, RTL marks, HTML/JS, wrong types, missing and
duplicated fields): no answer is a 5xx, and the XSS markers never come back unescaped — neither in the answer nor on
the pages that show what was stored."""

import importlib
import pkgutil
from dataclasses import dataclass, field

import pytest
from django import forms
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.db.models import Q
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from . import access
from .access import Target

PACKAGES = ("signing_platform", "employers", "schools", "students", "contracts", "exports")
XSS = ("<script>alert('xss-7731')</script>", '"><img src=x onerror=alert(7731)>')
HOSTILE = (
    *XSS, "", " ", "\x00", "a\x00b", "x" * 5000, "😀" * 300, "\u202e\u202dgnp.exe", "\u200b", "１２３４５６",
    "²", "১২৩", "-1", "0", "99999999999999999999999999", "1e309", "NaN", "null", "[]", "{'a': 1}", "0x1F",
    "../../etc/passwd", "=cmd|' /C calc'!A0", "%00", "' OR 1=1 --", "\r\n\r\nSet-Cookie: x=1", "on", "yes", "no",
    "13900000000", "110105200305170011",
)
FILES = (
    ("a.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20), ("a.pdf", b"%PDF-1.4\n%%EOF\n"), ("x.svg", b"<svg onload=alert(1)>"),
    ("empty.csv", b""), ("a.csv", "姓名,\x00\n=1+1,x\n".encode()), ("<script>.xlsx", b"PK\x03\x04broken"),
)

# Every form class of the project and the URL names that post it (the admin's forms: the admin's URL names).
# A new form that is not here fails test_every_form_is_mapped: add it, and a CASES entry for each of its URLs.
FORMS = {
    "contracts.forms.DecisionForm": ("contracts:employer_termination_answer", "contracts:student_termination_answer",
                                     "contracts:termination_review"),
    "contracts.forms.InvitationForm": ("contracts:invite",),
    "contracts.forms.ListFilterForm": ("contracts:employer_list", "contracts:review_queue", "contracts:review_history",
                                       "contracts:termination_queue", "contracts:termination_history"),
    "contracts.forms.ReasonForm": ("contracts:student_refuse", "contracts:review_reject", "destinations:review_return"),
    "contracts.forms.StudentSearchForm": ("contracts:add_student",),
    "contracts.forms.TerminationRequestForm": ("contracts:employer_terminate", "contracts:student_terminate"),
    "contracts.views.student.AcceptForm": ("contracts:student_accept",),
    "employers.forms.ArchiveInfoForm": ("employers:archive",),
    "employers.forms.AuthenticationForm": ("employers:authentication",),
    "employers.forms.ContactForm": ("employers:contact_add", "employers:contact_edit"),
    "employers.forms.SubAccountForm": ("employers:sub_account_add",),
    "employers.forms.SubAccountPasswordForm": ("employers:sub_account_password",),
    "schools.forms.CollegeReviewerForm": ("schools:reviewers",),
    "schools.forms.CorrectionResolveForm": ("schools:correction_resolve",),
    "schools.forms.GraduateForm": ("schools:graduate_edit",),
    "schools.forms.RosterFilterForm": ("schools:roster",),
    "schools.forms.RosterImportForm": ("schools:roster_import",),
    "schools.forms.StatisticsYearForm": ("schools:statistics",),
    "signing_platform.accounts.forms.EmployerRegisterForm": ("accounts:register",),
    "signing_platform.accounts.forms.LoginForm": ("accounts:login",),
    "signing_platform.accounts.forms.MobileChangeForm": ("employers:mobile_change", "students:change_mobile"),
    "signing_platform.accounts.forms.NewPasswordMixin": ("accounts:register", "accounts:password_reset",
                                                         "employers:sub_account_password", "students:activate"),
    "signing_platform.accounts.forms.PasswordResetForm": ("accounts:password_reset",),
    "students.forms.ActivationForm": ("students:activate",),
    "students.forms.AgreementCheckForm": ("destinations:verify_agreement",),
    "students.forms.CodeChoiceForm": ("destinations:register",),
    "students.forms.CorrectionRequestForm": ("students:correction",),
    "students.forms.DestinationCheckForm": ("destinations:verify_destination",),
    "students.forms.DestinationFilterForm": ("destinations:review_queue", "destinations:review_history"),
    "students.forms.RegistrationForm": ("destinations:register",),
    # The admin (staff only; tests/*/test_admin.py)
    "schools.admin.GraduateAdminForm": ("admin:schools_graduate_add", "admin:schools_graduate_change"),
    "schools.admin.ReviewerForm": ("admin:schools_reviewer_add", "admin:schools_reviewer_change"),
    "schools.admin.YearClosingForm": ("admin:schools_graduationyearclosure_close",),
    "schools.forms.PlatformStatisticsForm": ("admin:schools_graduate_statistics",),
    "signing_platform.accounts.admin.UnlockForm": ("admin:accounts_user_unlock",),
    "signing_platform.accounts.admin.UserCreationForm": ("admin:accounts_user_add",),
    "signing_platform.accounts.admin.UserEditForm": ("admin:accounts_user_change",),
    "signing_platform.admin.ReasonForm": ("admin:employers_authenticationrequest_reject",
                                          "admin:students_destinationrecord_revoke"),
    "students.admin.CorrectionForm": ("admin:students_destinationrecord_correct",),
}


def project_forms() -> set[str]:
    """Every subclass of django.forms.BaseForm defined in the project's packages (each module imported first)."""
    for package in PACKAGES:
        for module in pkgutil.walk_packages(importlib.import_module(package).__path__, f"{package}."):
            if ".migrations" not in module.name:
                importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return {f"{cls.__module__}.{cls.__qualname__}" for cls in subclasses(forms.BaseForm)
            if cls.__module__.split(".")[0] in PACKAGES}


def test_every_form_is_mapped():
    found = project_forms()
    assert len(found) >= 30, found
    unmapped = sorted(found - set(FORMS))
    assert not unmapped, (
        f"forms nobody mapped to the URL that posts them: {unmapped}. Add each to FORMS in "
        "tests/security/test_form_fuzz.py and a CASES entry for its URL(s) (tests/security/README.md)."
    )
    assert not sorted(set(FORMS) - found), "FORMS names classes that no longer exist"


def test_every_mapped_url_exists_and_is_fuzzed():
    from .test_access_matrix import url_patterns

    names = {name for name, _ in url_patterns()}
    urls = {url for posted in FORMS.values() for url in posted}
    assert urls <= names, sorted(urls - names)
    app_urls = {url for url in urls if not url.startswith(access.ADMIN_PREFIX)}
    assert app_urls <= set(CASES), f"URLs that post a form but are not fuzzed: {sorted(app_urls - set(CASES))}"


# ---------------------------------------------------------------------------------------------- the cases


@dataclass(frozen=True)
class Case:
    who: str  # the legitimate user who posts it (see access.IDENTITIES)
    fields: tuple  # the names it posts (a form's dynamic fields too)
    build: object = None  # world -> Target, as in access.ACCESS
    valid: object = None  # world -> the fields filled in validly (the fuzz starts from them)
    files: tuple = ()
    get: bool = False  # a filter or check form: also sent as a GET query
    shows: tuple = field(default_factory=tuple)  # (URL name, identity, uses the target's kwargs) showing stored data


REASON = ("reason",)
DECISION = ("decision", "note")
LIST_FILTER = ("tab", "year", "status", "name", "id_number", "idh", "page")
CODE_FORM = ("mobile", "code", "send_code", "password1", "password2", "name")


def _invitation(world):
    return {"job_category": world.job_category.pk, "post_name": "软件工程师", "valid_days": "7",
            "contact": world.contact.pk, "work_location": "北京", "salary": "面议", "remarks": "无"}


CASES = {
    "contracts:invite": Case("employer", ("job_category", "post_name", "valid_days", "contact", "work_location",
                                          "salary", "remarks", "from"),
                             build=access.favorite_to_invite, valid=_invitation,
                             shows=(("contracts:employer_list", "employer", False),
                                    ("contracts:student_invitations", "student", False))),
    "contracts:employer_list": Case("employer", LIST_FILTER, get=True),
    "contracts:review_queue": Case("college_reviewer", LIST_FILTER + ("college", "major"), get=True),
    "contracts:review_history": Case("school_reviewer", LIST_FILTER, get=True),
    "contracts:termination_queue": Case("school_reviewer", LIST_FILTER, get=True),
    "contracts:termination_history": Case("school_reviewer", LIST_FILTER, get=True),
    "contracts:student_refuse": Case("student", REASON, build=access.invited, valid=lambda w: {"reason": "不合适"},
                                     shows=(("contracts:employer_detail", "employer", True),)),
    "contracts:review_reject": Case("college_reviewer", REASON, build=access.at_college,
                                    valid=lambda w: {"reason": "材料不全"},
                                    shows=(("contracts:employer_detail", "employer", True),
                                           ("contracts:student_detail", "student", True))),
    "destinations:review_return": Case("college_reviewer", REASON, build=access.destination,
                                       valid=lambda w: {"reason": "证明不清晰"},
                                       shows=(("destinations:student", "student", False),)),
    "contracts:add_student": Case("employer", ("name", "id_number", "school", "add")),
    "contracts:employer_terminate": Case("employer", REASON, build=access.signed, files=("attachment",),
                                         valid=lambda w: {"reason": "岗位取消"},
                                         shows=(("contracts:student_detail", "student", True),)),
    "contracts:student_terminate": Case("student", REASON, build=access.signed, files=("attachment",),
                                        valid=lambda w: {"reason": "个人原因"},
                                        shows=(("contracts:employer_detail", "employer", True),)),
    "contracts:employer_termination_answer": Case("employer", DECISION, build=access.asked_by_student,
                                                  valid=lambda w: {"decision": "no", "note": "不同意"},
                                                  shows=(("contracts:student_detail", "student", True),)),
    "contracts:student_termination_answer": Case("student", DECISION, build=access.asked_by_employer,
                                                 valid=lambda w: {"decision": "no", "note": "不同意"},
                                                 shows=(("contracts:employer_detail", "employer", True),)),
    "contracts:termination_review": Case("school_reviewer", DECISION, build=access.termination_at_school,
                                         valid=lambda w: {"decision": "no", "note": "不同意"},
                                         shows=(("contracts:employer_detail", "employer", True),)),
    "contracts:student_accept": Case("student", ("details_confirmed", "binding_understood", "archive_confirmed", "note"),
                                     build=access.invited,
                                     valid=lambda w: {"details_confirmed": "on", "binding_understood": "on",
                                                      "archive_confirmed": "on", "note": "好"},
                                     shows=(("contracts:employer_detail", "employer", True),
                                            ("contracts:review_detail", "college_reviewer", True))),
    "employers:archive": Case("employer", ("has_archive_authority", "receiver_name", "address", "postcode",
                                           "contact_name", "contact_phone"),
                              valid=lambda w: {"has_archive_authority": "1", "receiver_name": "人力资源部",
                                               "address": "北京市海淀区", "postcode": "100080", "contact_name": "王老师",
                                               "contact_phone": "010-62512345"},
                              shows=(("employers:archive", "employer", False),)),
    "employers:authentication": Case("employer", ("name", "credit_code", "nature", "industry", "province", "city",
                                                  "address", "contact_name", "contact_phone"),
                                     files=("licence",)),
    "employers:contact_add": Case("employer", ("name", "mobile", "email"),
                                  valid=lambda w: {"name": "新联系人", "mobile": "13612345678", "email": "a@example.com"},
                                  shows=(("employers:account", "employer", False),
                                         ("employers:account", "sub_account", False))),
    "employers:contact_edit": Case("employer", ("name", "mobile", "email"), build=access.contact,
                                   valid=lambda w: {"name": "联系人", "mobile": "13612345679", "email": "b@example.com"},
                                   shows=(("employers:account", "employer", False),)),
    "employers:sub_account_add": Case("employer", ("name", "mobile"),
                                      valid=lambda w: {"name": "子账号", "mobile": "13712345678"},
                                      shows=(("employers:account", "employer", False),)),
    "employers:sub_account_password": Case("anonymous", CODE_FORM),
    "schools:reviewers": Case("school_reviewer", ("college", "username", "name", "password1", "password2"),
                              valid=lambda w: {"college": w.college.pk, "username": "cs_reviewer_9", "name": "审核员",
                                               "password1": "Signing#2026x", "password2": "Signing#2026x"},
                              shows=(("schools:reviewers", "school_reviewer", False),)),
    "schools:correction_resolve": Case("college_reviewer", ("status", "reply"), build=access.correction,
                                       valid=lambda w: {"status": "declined", "reply": "无需更正"},
                                       shows=(("students:profile", "student", False),
                                              ("schools:corrections", "school_reviewer", False))),
    "schools:graduate_edit": Case("school_reviewer", ("name", "id_number", "student_no", "gender", "education_level",
                                                      "college", "major", "major_category", "graduation_year",
                                                      "mobile"),
                                  build=access.graduate,
                                  valid=lambda w: {"name": "张三", "student_no": w.graduate.student_no,
                                                   "gender": w.graduate.gender,
                                                   "education_level": w.graduate.education_level,
                                                   "college": w.college.pk, "major": "软件工程",
                                                   "major_category": "计算机类", "graduation_year": "2026",
                                                   "mobile": ""},
                                  shows=(("schools:roster", "college_reviewer", False),
                                         ("students:profile", "student", False))),
    "schools:roster": Case("college_reviewer", ("year", "college", "major", "education_level", "name", "id_number",
                                                "destination_state", "category", "page"), get=True),
    "schools:roster_import": Case("school_reviewer", ("skip_bad_rows",), files=("file",)),
    "schools:statistics": Case("college_reviewer", ("year",), get=True),
    "accounts:register": Case("anonymous", CODE_FORM),
    "accounts:login": Case("anonymous", ("login", "password", "next")),
    "accounts:password_reset": Case("anonymous", CODE_FORM),
    "accounts:password_change": Case("employer", ("old_password", "new_password1", "new_password2")),
    "employers:mobile_change": Case("employer", ("password", "mobile", "code", "send_code")),
    "students:change_mobile": Case("student", ("password", "mobile", "code", "send_code")),
    "students:activate": Case("anonymous", CODE_FORM + ("id_number", "school")),
    "students:correction": Case("student", ("message",), valid=lambda w: {"message": "专业应为网络工程"},
                                shows=(("schools:corrections", "college_reviewer", False),
                                       ("students:profile", "student", False))),
    "destinations:verify_agreement": Case("anonymous", ("no", "code"), get=True),
    "destinations:verify_destination": Case("anonymous", ("name", "number")),
    "destinations:review_queue": Case("college_reviewer", LIST_FILTER + ("college", "major", "category"), get=True),
    "destinations:review_history": Case("school_reviewer", LIST_FILTER + ("college", "major", "category"), get=True),
    "destinations:register": Case("student", ("code", "unit_name", "credit_code", "unit_nature", "industry", "region",
                                              "job_category", "work_kind", "school_name", "major", "country", "note"),
                                  files=("proof",),
                                  valid=lambda w: {"code": "70", "note": "准备考研"},
                                  shows=(("destinations:student", "student", False),
                                         ("destinations:review_queue", "college_reviewer", False))),
}


# ---------------------------------------------------------------------------------------------- the fuzz

value = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=300), st.integers().map(str))


def field_value(valid):
    """Missing (None), a valid or hostile value, or the field sent two or three times."""
    options = [st.none(), value, st.lists(value, min_size=2, max_size=3)]
    if valid is not None:
        options += [st.just(valid)] * 2
    return st.one_of(*options)


def strategy(case: Case, valid: dict):
    shape = {name: field_value(valid.get(name)) for name in case.fields}
    shape.update({name: st.one_of(st.none(), st.sampled_from(FILES)) for name in case.files})
    shape["unexpected"] = st.one_of(st.none(), value)
    return st.fixed_dictionaries(shape)


def as_post(data: dict) -> dict:
    posted = {}
    for name, item in data.items():
        if item is None:
            continue
        if isinstance(item, tuple):
            posted[name] = SimpleUploadedFile(item[0], item[1])
        else:
            posted[name] = item
    return posted


def unescaped(response) -> list[str]:
    if getattr(response, "streaming", False):
        return []
    body = response.content.decode("utf-8", "replace")
    return [marker for marker in XSS if marker in body]


def stored(marker: str) -> bool:
    """Whether any text column of any row holds `marker`."""
    for model in apps.get_models():
        text = [f.name for f in model._meta.concrete_fields if isinstance(f, (models.CharField, models.TextField))]
        query = Q()
        for name in text:
            query |= Q(**{f"{name}__contains": marker})
        if text and model._base_manager.filter(query).exists():
            return True
    return False


def stored_marker_pages(clients, case: Case, kwargs: dict) -> list[str]:
    problems = []
    for name, who, with_kwargs in case.shows:
        url = reverse(name, kwargs=kwargs if with_kwargs else {})
        response = clients[who].get(url)
        assert response.status_code < 500, f"{who} GET {url} → {response.status_code}"
        problems += [f"{who} GET {url}: {marker}" for marker in unescaped(response)]
    return problems


FUZZ = settings(max_examples=20, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


@pytest.mark.parametrize("name", [pytest.param(name, id=name) for name in CASES])
def test_hostile_input_never_breaks_a_page(world, clients, name, django_capture_on_commit_callbacks):
    case = CASES[name]
    target = case.build(world) if case.build else Target({})
    url = reverse(name, kwargs=target.kwargs)
    valid = {key: str(item) for key, item in (case.valid(world) if case.valid else {}).items()}
    client = clients[case.who]

    # First the valid submission with an XSS marker in each free-text field: what the pages show later.
    if case.valid:
        for marker in XSS:
            marked = {key: (marker if not key in NOT_TEXT else item) for key, item in valid.items()}
            response = client.post(url, marked)
            assert response.status_code < 500 and not unescaped(response), (url, response.status_code)
        # Else the pages below would have nothing to escape: the check could not fail.
        assert not case.shows or stored(XSS[0]) or stored(XSS[1]), f"the marked POST to {url} stored nothing"

    # Then each hostile value in every field at once (hypothesis below mixes them, with wrong shapes).
    for hostile in HOSTILE:
        posted = {name: hostile for name in case.fields}
        response = client.post(url, posted)
        assert response.status_code < 500, f"POST {url} {hostile!r} → {response.status_code}"
        assert not unescaped(response), f"POST {url} {hostile!r} echoed an XSS marker unescaped"
        if case.get:
            response = client.get(url, posted)
            assert response.status_code < 500, f"GET {url} {hostile!r} → {response.status_code}"

    @FUZZ
    @given(data=strategy(case, valid))
    def fuzz(data):
        posted = as_post(data)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, posted)
        assert response.status_code < 500, f"POST {url} {posted!r} → {response.status_code}"
        assert not unescaped(response), f"POST {url} {posted!r} echoed an XSS marker unescaped"
        if case.get:
            query = {key: item for key, item in posted.items() if not hasattr(item, "read")}
            response = client.get(url, query)
            assert response.status_code < 500, f"GET {url} {query!r} → {response.status_code}"
            assert not unescaped(response), f"GET {url} {query!r} echoed an XSS marker unescaped"

    fuzz()
    assert not stored_marker_pages(clients, case, target.kwargs)


# Fields whose valid value is a key or a choice, not free text: the marker goes in the others.
NOT_TEXT = {"job_category", "contact", "valid_days", "college", "gender", "education_level", "graduation_year",
            "student_no", "mobile", "email", "status", "decision", "code", "has_archive_authority", "postcode",
            "contact_phone", "details_confirmed", "binding_understood", "archive_confirmed", "username", "password1",
            "password2"}

