"""Pieces every contract page shares: pagination, the filter round trip, htmx-or-page rendering."""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render

PAGE_SIZE = 20


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def page_or_fragment(request, template: str, fragment: str, context: dict, *, push_url: str | None = None) -> HttpResponse:
    """The whole page, or with htmx only the named partial of the same template."""
    if request.htmx and not request.htmx.boosted:
        response = render(request, f"{template}#{fragment}", context)
        if push_url:
            response["HX-Push-Url"] = push_url
        return response
    return render(request, template, context)


def with_query(path: str, params: dict) -> str:
    params = {key: value for key, value in params.items() if value not in ("", None)}
    return f"{path}?{urlencode(params)}" if params else path


def done(request, url: str) -> HttpResponse:
    """After a successful POST: a redirect, or for htmx a client-side navigation to the same place."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return redirect(url)
