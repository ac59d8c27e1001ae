"""操作指南: short public pages, one per kind of user, linked from the home page and every page's footer."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

# audience (in the URL) -> (title, template)
GUIDES = {
    "employer": ("单位用户操作指南", "guides/employer.html"),
    "student": ("毕业生操作指南", "guides/student.html"),
    "school": ("学校用户操作指南", "guides/school.html"),
}


@require_GET
def guide(request, audience: str):
    if audience not in GUIDES:
        raise Http404
    title, template = GUIDES[audience]
    others = [(key, label) for key, (label, _) in GUIDES.items() if key != audience]
    return render(request, template, {"guide_title": title, "other_guides": others})
