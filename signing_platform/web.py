"""The web layer every app's views share: pagination, page-or-fragment rendering, the answer after a POST, and the
translation of domain errors into HTTP.

htmx conventions (one place): a list container re-fetches itself on the `listChanged` event; a POST that only
changes rows answers with the flash messages swapped out of band and `HX-Trigger: closeModal, listChanged`, so the
open modal closes and the list on the page refreshes in place instead of a full reload.
"""

import json
from functools import lru_cache
from urllib.parse import urlencode, urlsplit

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.cache import patch_vary_headers

from .errors import NotFound
from .validators import record_key

PAGE_SIZE = 20
LIST_CHANGED = "listChanged"
_MARKER = 987654321


@lru_cache(maxsize=256)
def _url_format(name: str, prefix: str) -> str:
    return reverse(name, args=[_MARKER]).replace(str(_MARKER), "{}")


def url_for_pk(name: str):
    """A function pk → the URL `name` with that one argument: one reverse per process, not one per row of a list."""
    return _url_format(name, get_script_prefix()).format


class FromEitherEndPaginator(Paginator):
    """Reads a page in the back half of an ordered queryset from its end (the ordering reversed), so the last pages
    cost what the first ones do instead of skipping every row before them."""

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        if bottom > self.count // 2 and getattr(self.object_list, "ordered", False):
            rows = list(self.object_list.reverse()[self.count - top:self.count - bottom])[::-1]
        else:
            rows = self.object_list[bottom:top]
        return self._get_page(rows, number, self)


def paginate(request, queryset, *, per_page: int = PAGE_SIZE, count: int | None = None, load=None) -> Page:
    """The page `?page=` asks for (the last one past the end, the first for anything that is not a number).

    `count`: the number of rows when the caller already knows it (no COUNT query). `load`: for a deferred join —
    `queryset` then selects only the keys in display order (an index-only scan, so deep pages do not drag wide rows
    through OFFSET) and `load(keys)` returns the page's rows in the same order.
    """
    paginator = FromEitherEndPaginator(queryset, per_page)
    if count is not None:
        paginator.count = count
    page = paginator.get_page(request.GET.get("page"))
    if load is not None:
        page.object_list = load(list(page.object_list))
    return page


def with_query(path: str, params: dict) -> str:
    """`path?a=1`: the parameters with a value, in order."""
    params = {key: value for key, value in params.items() if value not in ("", None)}
    return f"{path}?{urlencode(params)}" if params else path


def vary_on_htmx(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


def page_or_fragment(request, template: str, fragment: str, context: dict, *, push_url: str | None = None,
                     status: int = 200) -> HttpResponse:
    """The whole page, or with htmx only the named partial of the same template (with the flash messages swapped in
    out of band, as a page load would show them)."""
    if request.htmx and not request.htmx.boosted:
        response = render(request, f"{template}#{fragment}", context, status=status)
        response.content += render_to_string("_messages.html", {"out_of_band": True}, request).encode()
        if push_url:
            response["HX-Push-Url"] = push_url
    else:
        response = render(request, template, context, status=status)
    return vary_on_htmx(response)


def done(request, url: str, *, show_in: str | None = None) -> HttpResponse:
    """After a POST that changed something: a redirect to `url`. With htmx, no reload: the modal closes and either
    the page's list refreshes where it stands (the flash messages swapped in out of band), or — with `show_in`, the
    selector of the element that shows `url` as a fragment — `url` is loaded into it when the page has it (a different
    page gets a plain redirect)."""
    if not request.htmx:
        return vary_on_htmx(redirect(url))
    if show_in is None:
        response = render(request, "_messages.html", {"out_of_band": True})
        response["HX-Reswap"] = "none"
        response["HX-Trigger"] = json.dumps({LIST_CHANGED: True, "closeModal": True})
    elif request.htmx.current_url_abs_path and urlsplit(request.htmx.current_url_abs_path).path == urlsplit(url).path:
        response = HttpResponse(status=204)
        response["HX-Trigger"] = json.dumps({"closeModal": True})
        response["HX-Location"] = json.dumps({"path": url, "target": show_in, "swap": "outerHTML"})
    else:
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
    return vary_on_htmx(response)


class NotFoundMiddleware:
    """A selector's or service's NotFound answers 404, like a missing page: one translation for every view."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        return None


def batch_approve(request, *, field: str, scope, approve, back: str) -> HttpResponse:
    """批量通过: the record ids posted as `field` that `scope` (the reviewer's queryset) holds — malformed and foreign
    ones dropped — go to `approve(ids)`, which answers (how many passed, why the others did not); the outcome is told
    as messages (each distinct problem once), then the reviewer is back at `back`."""
    ids = [key for key in map(record_key, request.POST.getlist(field)) if key is not None]
    in_scope = list(scope.filter(pk__in=ids).values_list("pk", flat=True))
    if not in_scope:
        messages.error(request, "请先勾选要审核通过的记录")
        return done(request, back)
    approved, problems = approve(in_scope)
    if approved:
        messages.success(request, f"已审核通过{approved}条记录")
    for problem in dict.fromkeys(problems):
        messages.error(request, problem)
    return done(request, back)
