"""签约解约 for employers: the tabs, 添加学生, 签约邀请函, 查看详情 and the actions on a contract."""

from django.contrib import messages
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from employers.access import authenticated_unit_required, employer_required
from schools.selectors import graduate_exact_match
from signing_platform import ratelimits
from signing_platform.errors import NotFound
from signing_platform.validators import record_key
from signing_platform.web import done, page_or_fragment, paginate, with_query

from .. import presentation, rules, selectors, services
from ..forms import InvitationForm, ListFilterForm, StudentSearchForm
from ..models import Contract, Side
from ..rules import EmployerTab

LIST_TEMPLATE = "contracts/employer_list.html"
SEARCHES_PER_HOUR = "60/h"
AFTER_SEND = "邀请函发出后，请在“签约中”状态查看记录"
LIST_TARGET = "#signing-lists"  # the element of the 签约解约 page that a tab's fragment replaces


def tab_url(tab: EmployerTab) -> str:
    return with_query(reverse("contracts:employer_list"), {"tab": tab.value})


@authenticated_unit_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("id_number")
def signing_list(request):
    """签约解约: one tab at a time; tabs, filters and pages swap in place with htmx and are plain URLs too."""
    tab = presentation.tab_for(request.GET.get("tab"))
    form = ListFilterForm(request.POST if request.method == "POST" else request.GET, statuses=tab.statuses)
    filters = form.to_filters() if form.is_valid() else selectors.ListFilters()
    push_url = None
    if request.method == "POST" and form.is_valid():
        # A submitted filter becomes a bookmarkable GET URL that carries no ID number.
        push_url = with_query(reverse("contracts:employer_list"), {"tab": tab.key.value, **form.query()})
        if not request.htmx:
            return done(request, push_url)
    now = timezone.now()
    counts = selectors.employer_tab_counts(unit=request.unit, now=now)
    listed = selectors.employer_page(unit=request.unit, tab=tab.key, filters=filters, counts=counts, now=now)
    rows = paginate(request, listed.keys, count=listed.count, load=listed.load)
    presentation.employer_rows(rows, tab, now)
    filter_query = form.query() if form.is_valid() else {}
    context = {
        "tabs": [(t, counts[t.key]) for t in presentation.EMPLOYER_TABS],
        "tab": tab,
        "form": form,
        "rows": rows,
        "query": {"tab": tab.key.value, **filter_query},
        "list_url": reverse("contracts:employer_list"),
        "tab_url": tab_url(tab.key),
        "active_menu": "contracts:employer_list",
    }
    return page_or_fragment(request, LIST_TEMPLATE, "signing-lists", context, push_url=push_url)


@authenticated_unit_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("id_number")
def add_student(request):
    """添加学生: exact match of name + ID number + school against the roster, then 加入收藏夹."""
    form = StudentSearchForm(request.POST or None)
    context = {"form": form, "result": None, "not_found": False}
    if request.method == "POST" and form.is_valid():
        try:
            limited = ratelimits.hit(request, group="student-search", key=str(request.user.pk), rate=SEARCHES_PER_HOUR)
        except ratelimits.RateLimitUnavailable:
            limited = True
        if limited:
            form.add_error(None, "搜索过于频繁，请稍后再试")
        else:
            graduate = graduate_exact_match(
                name=form.cleaned_data["name"], id_number=form.cleaned_data["id_number"], school=form.cleaned_data["school"]
            )
            if graduate is None:
                context["not_found"] = True
            elif "add" in request.POST:
                try:
                    _favorite, created = services.favorite_add(actor=request.user, graduate=graduate)
                except services.ContractError as exc:
                    form.add_error(None, exc.message)
                else:
                    messages.success(request, "已加入收藏夹" if created else "该学生已在收藏夹中")
                    return done(request, tab_url(EmployerTab.FAVORITES), show_in=LIST_TARGET)
            else:
                context["result"] = graduate
    return page_or_fragment(request, "contracts/add_student.html", "add-student", context)


@employer_required
@require_POST
def favorite_remove(request, pk):
    try:
        favorite = services.favorite_remove(actor=request.user, favorite=selectors.favorite_for_employer(unit=request.unit, pk=pk))
    except services.ContractError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将{favorite.graduate.name}移出收藏夹")
    return done(request, tab_url(EmployerTab.FAVORITES))


@authenticated_unit_required
@require_http_methods(["GET", "POST"])
def invite(request, favorite_pk):
    """签约邀请函 to a student of the favorites (a POST with `from` is 再次发起签约 of that record)."""
    favorite = selectors.favorite_for_employer(unit=request.unit, pk=favorite_pk)
    return _invitation(request, favorite, _previous_for(request, favorite, request.POST.get("from")))


@authenticated_unit_required
@require_GET
def reinvite(request, pk):
    """再次发起签约 from a failed or void record: the invitation form for the same student, prefilled from it."""
    contract = selectors.contract_for_employer(unit=request.unit, pk=pk)
    favorite = selectors.favorite_of_contract(contract)
    if favorite is None or not rules.can_reinvite(contract, timezone.now()):
        raise NotFound
    return _invitation(request, favorite, contract)


def _invitation(request, favorite, previous: Contract | None):
    initial = {}
    if previous is not None:
        initial = {
            "job_category": previous.job_category_id, "post_name": previous.post_name, "valid_days": previous.valid_days,
            "contact": previous.contact_id, "work_location": previous.work_location, "salary": previous.salary,
            "remarks": previous.remarks,
        }
    form = InvitationForm(request.POST or None, unit=request.unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.invite(actor=request.user, favorite=favorite, previous=previous, **form.cleaned_data)
        except services.ContractError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, AFTER_SEND)
            return done(request, tab_url(EmployerTab.SIGNING), show_in=LIST_TARGET)
    context = {"form": form, "favorite": favorite, "unit": request.unit, "previous": previous}
    return page_or_fragment(request, "contracts/invite.html", "invite-modal", context)


def _previous_for(request, favorite, source: str | None) -> Contract | None:
    """The record a 再次发起签约 starts from: this unit's, for the same student, failed or void; else NotFound."""
    if not source:
        return None
    key = record_key(source)
    if key is None:
        raise NotFound
    previous = selectors.contract_for_employer(unit=request.unit, pk=key)
    if previous.graduate_id != favorite.graduate_id or not rules.can_reinvite(previous, timezone.now()):
        raise NotFound
    return previous


def detail_context(contract) -> dict:
    now = timezone.now()
    termination = selectors.latest_termination(contract)
    in_favorites = selectors.favorite_of_contract(contract) is not None if rules.can_reinvite(contract, now) else False
    actions = rules.employer_actions(contract, now, termination=termination, in_favorites=in_favorites)
    return {
        **presentation.contract_page(contract, termination, now, viewer=Side.EMPLOYER, actions=actions),
        "actions_template": "contracts/_actions_employer.html",
        "active_menu": "contracts:employer_list",
    }


@employer_required
@require_GET
def detail(request, pk):
    """查看详情: progress, parties, 岗位信息, history and the actions the employer may take now."""
    contract = selectors.contract_for_employer(unit=request.unit, pk=pk)
    return page_or_fragment(request, "contracts/detail.html", "detail-modal", detail_context(contract))


@employer_required
@require_POST
def withdraw(request, pk):
    try:
        services.withdraw(actor=request.user, contract=Contract(pk=pk))
    except services.ContractError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "邀请函已撤回")
    return done(request, tab_url(EmployerTab.VOID))
