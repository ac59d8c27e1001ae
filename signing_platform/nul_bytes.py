"""Refuse, with 400 and a message, any request that carries a NUL character in its path, a query or form parameter
(name or value), or a cookie.

PostgreSQL cannot store or even compare text that contains NUL: psycopg raises DataError, so such a value reaching a
query — a list filter (`/school/roster/?name=%00`), an admin changelist (`?status__exact=%00`), a session cookie — was
a 500. No browser sends NUL in a form a person filled in, so refusing it here, before any view runs, covers every
view including Django admin in one place, where cleaning each form and filter would leave the next new one exposed.
Uploaded files are not looked at: Django's multipart parser already cleans their names, and their contents are bytes,
checked by the upload and import code.
"""

from django.http import HttpResponseBadRequest
from django.template.loader import render_to_string

MESSAGE = "提交的内容含有无效字符（空字符），请删除后重试。"


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _carries_nul(request):
            # Rendered without the request (like the 400 page): a NUL session cookie must not reach the session store.
            return HttpResponseBadRequest(render_to_string("bad_request.html", {"message": MESSAGE}))
        return self.get_response(request)


def _carries_nul(request) -> bool:
    texts = [request.path, *request.COOKIES.keys(), *request.COOKIES.values()]
    try:
        for parameters in (request.GET, request.POST):
            for key, values in parameters.lists():
                texts += [key, *values]
    except OSError:
        pass  # an unreadable body: CsrfViewMiddleware answers it as it always has
    return any("\x00" in text for text in texts)
