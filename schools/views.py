import csv
import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from signing_platform.crypto import id_number_hash
from signing_platform.forms import apply_service_errors
from signing_platform.replica import reads_from_replica
from signing_platform.spreadsheets import safe_row
from signing_platform.web import page_or_fragment, paginate, with_query
from students.models import Category
from students.presentation import decorate_roster

from . import charts, roster_import, selectors, services
from . import statistics as school_statistics
from .access import reviewer_required
from .forms import (
    CollegeReviewerForm,
    CorrectionResolveForm,
    GraduateForm,
    RosterFilterForm,
    RosterImportForm,
    StatisticsYearForm,
    roster_filters_from_query,
)
from .models import CorrectionStatus


def _query_from_form(form) -> dict:
    data = form.cleaned_data
    return {
        "year": data["year"] or "",
        "college": data["college"].pk if data["college"] else "",
        "major": data["major"],
        "level": data["education_level"],
        "name": data["name"],
        "idh": id_number_hash(data["id_number"]) if data["id_number"] else "",
        "state": data["destination_state"],
        "category": data["category"],
    }


@sensitive_post_parameters("id_number")
@reviewer_required
@require_http_methods(["GET", "POST"])
def roster(request):
    """生源信息: filters are posted (the ID number is hashed before it reaches a URL), pages are plain links."""
    reviewer = request.reviewer
    form_kwargs = {"years": selectors.roster_years(reviewer), "colleges": selectors.colleges_for_reviewer(reviewer)}
    list_url = reverse("schools:roster")
    push_url = page = None
    if request.method == "POST":
        form = RosterFilterForm(request.POST, **form_kwargs)
        query = {key: value for key, value in _query_from_form(form).items() if value != ""} if form.is_valid() else {}
        if form.is_valid():
            push_url = with_query(list_url, query)
            if not request.htmx:
                return redirect(push_url)
    else:
        query = {key: value for key, value in request.GET.items() if key != "page" and value}
    filters = roster_filters_from_query(query)
    if request.method == "GET":
        form = RosterFilterForm(
            initial={
                "year": filters.year, "college": filters.college_id, "major": filters.major,
                "education_level": filters.education_level, "name": filters.name,
                "destination_state": filters.destination_state, "category": filters.category,
            },
            **form_kwargs,
        )
    if form.is_valid() or request.method == "GET":
        graduates = selectors.roster_for_reviewer(reviewer=reviewer, filters=filters)
        page = paginate(request, graduates)
        decorate_roster(page)
    context = {
        "form": form, "page": page, "query": query, "list_url": list_url, "filtered_by_id": bool(filters.id_hash),
    }
    return page_or_fragment(request, "schools/roster.html", "roster-list", context, push_url=push_url)


@sensitive_post_parameters("id_number")
@reviewer_required
@require_http_methods(["GET", "POST"])
def graduate_edit(request, graduate_id: int):
    """编辑生源信息. The 身份证号 shows masked (查看完整证件号 reveals it); a new one corrects it, blank keeps it."""
    reviewer = request.reviewer
    graduate = selectors.graduate_for_reviewer(reviewer=reviewer, graduate_id=graduate_id)
    colleges = selectors.colleges_for_reviewer(reviewer)
    form = GraduateForm(request.POST or None, instance=graduate, colleges=colleges)
    if request.method == "POST" and form.is_valid():
        try:
            services.graduate_update(reviewer=reviewer, graduate=graduate, data=form.cleaned_data)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已保存{graduate.name}的生源信息")
            return redirect("schools:roster")
    return _graduate_edit_page(request, graduate, form)


def _graduate_edit_page(request, graduate, form, **id_number_cell):
    context = {
        "form": form, "graduate": graduate, "active_menu": "schools:roster",
        "reveal_url": reverse("schools:graduate_id_number", args=[graduate.pk]), **id_number_cell,
    }
    return render(request, "schools/graduate_edit.html", context)


@sensitive_variables("revealed", "cell")
def reveal_id_number(request, graduate, *, page) -> HttpResponse:
    """查看完整证件号 for the signed-in reviewer (the service audits it, limits it, and answers NotFound outside their
    scope): with htmx only the schools/_id_number.html cell, which replaces itself; without JavaScript `page(cell)`,
    the page showing it. Never stored by a cache or the browser."""
    try:
        revealed = services.graduate_reveal_id_number(actor=request.user, graduate=graduate)
    except ValidationError as exc:
        cell = {"reveal_error": exc.messages[0]}
    else:
        cell = {"revealed_id_number": revealed}
    if request.htmx:
        response = render(request, "schools/_id_number.html", {"graduate": graduate, "reveal_url": request.path, **cell})
    else:
        response = page(cell)
    add_never_cache_headers(response)
    return response


@reviewer_required
@require_POST
def graduate_id_number(request, graduate_id: int):
    """查看完整证件号 on 编辑生源信息."""
    reviewer = request.reviewer
    graduate = selectors.graduate_for_reviewer(reviewer=reviewer, graduate_id=graduate_id)
    form = GraduateForm(instance=graduate, colleges=selectors.colleges_for_reviewer(reviewer))
    return reveal_id_number(request, graduate, page=lambda cell: _graduate_edit_page(request, graduate, form, **cell))


@reviewer_required(school_level=True)
@require_http_methods(["GET", "POST"])
def roster_import_view(request):
    """生源导入: check the whole file, then write it all (or only its good rows, if the reviewer chose so)."""
    reviewer = request.reviewer
    result = checked = None
    if request.method == "POST":
        form = RosterImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            college_names = set(selectors.colleges_for_reviewer(reviewer).values_list("name", flat=True))
            try:
                table = roster_import.read_table(name=upload.name, data=upload.read())
                checked = roster_import.check_rows(table, college_names=college_names)
                if not checked.errors or form.cleaned_data["skip_bad_rows"]:
                    result = services.roster_import(
                        reviewer=reviewer, checked=checked, skip_bad_rows=form.cleaned_data["skip_bad_rows"]
                    )
            except roster_import.RosterFileError as exc:
                form.add_error("file", exc.message)
            except ValidationError as exc:
                apply_service_errors(form, exc)
    else:
        form = RosterImportForm()
    context = {"form": form, "checked": checked, "result": result, "headers": roster_import.HEADERS}
    return render(request, "schools/roster_import.html", context)


@reviewer_required(school_level=True)
@require_GET
def roster_template(request):
    """The import template with the Chinese headers: XLSX by default, CSV (UTF-8 with BOM, opens in Excel) on ?format=csv."""
    rows = roster_import.template_rows()
    if request.GET.get("format") == "csv":
        buffer = io.StringIO()
        csv.writer(buffer).writerows(safe_row(row) for row in rows)
        response = HttpResponse(("\ufeff" + buffer.getvalue()).encode(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = "attachment; filename=roster-template.csv"
        return response
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "生源信息"
    for row in rows:
        sheet.append(safe_row(row))
    for column in ("B", "C", "J"):
        # ID numbers, student numbers and mobiles are text: Excel must not turn them into numbers.
        for cell in sheet[column][:2000]:
            cell.number_format = "@"
        sheet.column_dimensions[column].width = 22
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = "attachment; filename=roster-template.xlsx"
    return response


@reviewer_required(school_level=True)
@require_http_methods(["GET", "POST"])
def reviewers(request):
    """审核员管理: the school's college reviewers, and a form to add one."""
    reviewer = request.reviewer
    colleges = selectors.colleges_for_reviewer(reviewer)
    form = CollegeReviewerForm(request.POST or None, colleges=colleges)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.college_reviewer_create(
                reviewer=reviewer,
                college=form.cleaned_data["college"],
                username=form.cleaned_data["username"],
                name=form.cleaned_data["name"],
                password=form.cleaned_data["password1"],
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, f"已添加院系审核员 {created.user.username}")
            return redirect("schools:reviewers")
    rows = paginate(request, selectors.college_reviewers_for(reviewer), per_page=50)
    return render(request, "schools/reviewers.html", {"form": form, "page": rows, "query": {}, "list_url": reverse("schools:reviewers")})


@reviewer_required(school_level=True)
@require_POST
def reviewer_set_active(request, reviewer_id: int):
    reviewer = request.reviewer
    target = selectors.college_reviewer_for(reviewer=reviewer, reviewer_id=reviewer_id)
    active = request.POST.get("active") == "1"
    if services.college_reviewer_set_active(reviewer=reviewer, target=target, active=active):
        messages.success(request, f"已{'启用' if active else '停用'}审核员 {target.user.username}")
    else:
        messages.info(request, f"审核员 {target.user.username} 已是{'启用' if active else '停用'}状态")
    return redirect("schools:reviewers")


@reviewer_required
@require_GET
def corrections(request):
    """信息更正申请: pending requests first; handled ones on ?status=…"""
    reviewer = request.reviewer
    status = request.GET.get("status", CorrectionStatus.PENDING)
    if status not in CorrectionStatus.values:
        status = CorrectionStatus.PENDING
    rows = selectors.corrections_for_reviewer(reviewer=reviewer, status=status)
    page = paginate(request, rows)
    context = {
        "page": page, "status": status, "statuses": CorrectionStatus.choices, "form": CorrectionResolveForm(),
        "query": {"status": status}, "list_url": reverse("schools:corrections"),
    }
    return render(request, "schools/corrections.html", context)


@reviewer_required
@require_POST
def correction_resolve(request, correction_id: int):
    reviewer = request.reviewer
    correction = selectors.correction_for_reviewer(reviewer=reviewer, correction_id=correction_id)
    form = CorrectionResolveForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择处理结果")
        return redirect("schools:corrections")
    try:
        closed = services.correction_resolve(
            reviewer=reviewer, correction=correction, status=form.cleaned_data["status"], reply=form.cleaned_data["reply"]
        )
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("schools:corrections")
    if closed:
        messages.success(request, f"已处理{correction.graduate.name}的更正申请")
    else:
        messages.info(request, "该申请已被处理")
    return redirect("schools:corrections")


@reviewer_required
@require_GET
@reads_from_replica
def statistics(request):
    """落实率统计 of a 毕业年份 (the latest of the roster by default): the reviewer's school, or college."""
    reviewer = request.reviewer
    years = school_statistics.statistics_years(reviewer)
    if "year" in request.GET:
        form = StatisticsYearForm(request.GET, years=years)
        year = form.cleaned_data["year"] if form.is_valid() else None
    else:
        year = years[0] if years else None
        form = StatisticsYearForm(initial={"year": year}, years=years)
    data = school_statistics.school_statistics(reviewer=reviewer, year=year) if year is not None else None
    context = {
        "form": form, "years": years, "data": data, "query": {"year": year} if year is not None else {},
        "definition": school_statistics.DEFINITION, "categories": Category.choices,
        "charts": charts.college_charts([(block.name, block.counts) for block in data.colleges]) if data else None,
        "segments": charts.SEGMENTS,
    }
    return render(request, "schools/statistics.html", context)
