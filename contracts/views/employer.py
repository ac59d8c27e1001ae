"""签约解约 for employers: the tabs, 添加学生, 签约邀请函, 查看详情 and the actions on a contract."""

from django.contrib import messages
from django.http import Http404
from django.urls import reverse
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from employers.access import authenticated_unit_required, employer_required
from schools.selectors import graduate_exact_match
from signing_platform import ratelimits

from .. import selectors, services
from ..forms import InvitationForm, ListFilterForm, StudentSearchForm
from ..models import REINVITABLE_STATES, Contract, ContractStatus
from .common import done, page_or_fragment, paginate, with_query

LIST_TEMPLATE = "contracts/employer_list.html"
SEARCHES_PER_HOUR = "60/h"
AFTER_SEND = "邀请函发出后，请在“签约中”状态查看记录"


def _tab(request) -> selectors.Tab:
    return selectors.TABS_BY_KEY.get(request.GET.get("tab") or "signing") or selectors.TABS_BY_KEY["signing"]


@authenticated_unit_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("id_number")
def signing_list(request):
    """签约解约: one tab at a time; tabs, filters and pages swap in place with htmx and are plain URLs too."""
    tab = _tab(request)
    base = reverse("contracts:employer_list")
    form = ListFilterForm(request.POST if request.method == "POST" else request.GET, statuses=tab.statuses)
    if form.is_valid():
        filters = form.to_filters()
        if request.method == "POST":
            # A submitted filter becomes a bookmarkable GET URL that carries no ID number.
            url = with_query(base, {"tab": tab.key, **form.query()})
            if not request.htmx:
                return done(request, url)
            return _render_list(request, tab, form, filters, push_url=url)
    else:
        filters = selectors.ListFilters()
    return _render_list(request, tab, form, filters)


def _render_list(request, tab, form, filters, push_url=None):
    unit = request.unit
    if tab.key == selectors.FAVORITES:
        rows = paginate(request, selectors.favorites_for_employer(unit=unit, filters=filters))
    else:
        rows = paginate(request, selectors.contracts_for_employer(unit=unit, tab=tab.key, filters=filters))
    counts = selectors.employer_tab_counts(unit=unit)
    filter_query = form.query() if form.is_valid() else {}
    query = {"tab": tab.key, **filter_query}
    context = {
        "tabs": [(t, counts[t.key]) for t in selectors.EMPLOYER_TABS],
        "tab": tab,
        "form": form,
        "rows": rows,
        "query": query,
        "filter_query": filter_query,
        "list_url": reverse("contracts:employer_list"),
        "tab_url": with_query(reverse("contracts:employer_list"), {"tab": tab.key}),
        "active_menu": "contracts:employer_list",
    }
    return page_or_fragment(request, LIST_TEMPLATE, "signing-lists", context, push_url=push_url)


@authenticated_unit_required
@require_http_methods(["GET", "POST"])
@sensitive_post_parameters("id_number")
def add_student(request):
    """添加学生: exact match of name + ID number + school against the roster, then 加入收藏夹."""
    template = "contracts/add_student.html"
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
                    return done(request, with_query(reverse("contracts:employer_list"), {"tab": selectors.FAVORITES}))
            else:
                context["result"] = graduate
    return page_or_fragment(request, template, "add-student", context)


@employer_required
@require_POST
def favorite_remove(request, pk):
    favorite = selectors.favorite_for_employer(unit=request.unit, pk=pk)
    try:
        services.favorite_remove(actor=request.user, favorite=favorite)
    except services.ContractError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"已将{favorite.graduate.name}移出收藏夹")
    return done(request, with_query(reverse("contracts:employer_list"), {"tab": selectors.FAVORITES}))


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
    favorite = contract.unit.favorites.filter(graduate_id=contract.graduate_id).first()
    if favorite is None:
        raise Http404
    return _invitation(request, favorite, _previous_for(request, favorite, str(contract.pk)))


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
            return done(request, with_query(reverse("contracts:employer_list"), {"tab": "signing"}))
    context = {"form": form, "favorite": favorite, "unit": request.unit, "previous": previous}
    return page_or_fragment(request, "contracts/invite.html", "invite-modal", context)


def _previous_for(request, favorite, source: str | None) -> Contract | None:
    """The record a 再次发起签约 starts from: this unit's, for the same student, failed or void; else 404."""
    if not source:
        return None
    if not source.isdigit():
        raise Http404
    previous = selectors.contract_for_employer(unit=request.unit, pk=int(source))
    if previous.graduate_id != favorite.graduate_id or previous.status not in REINVITABLE_STATES:
        raise Http404
    return previous


@employer_required
@require_GET
def detail(request, pk):
    """查看详情: progress, parties, 岗位信息, history and the actions the employer may take now."""
    contract = selectors.contract_for_employer(unit=request.unit, pk=pk)
    return page_or_fragment(request, "contracts/detail.html", "detail-modal", detail_context(contract))


def detail_context(contract) -> dict:
    return {
        "contract": contract,
        "steps": selectors.progress_steps(contract),
        "actions_template": "contracts/_actions_employer.html",
        "can_withdraw": contract.status == ContractStatus.INVITED and not contract.is_overdue(),
        "can_reinvite": contract.status in REINVITABLE_STATES,
        "can_request_termination": contract.status == ContractStatus.SIGNED,
        "active_menu": "contracts:employer_list",
    }


@employer_required
@require_POST
def withdraw(request, pk):
    contract = selectors.contract_for_employer(unit=request.unit, pk=pk)
    try:
        services.withdraw(actor=request.user, contract=contract)
    except services.ContractError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "邀请函已撤回")
    return done(request, with_query(reverse("contracts:employer_list"), {"tab": "void"}))
