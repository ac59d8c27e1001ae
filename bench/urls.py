"""The app's URLs and the benchmark's reference view: the same middleware, a signed-in session, a 20-row page."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from signing_platform.urls import urlpatterns as app_urlpatterns

ROWS = [
    (i, f"学生{i}", "110105********0001", "示例大学", "本科", "软件工程", "签约完成", "2026-11-01 10:00")
    for i in range(1, 21)
]


@login_required
def reference(request):
    return render(request, "bench/reference.html", {"rows": ROWS})


urlpatterns = [path("bench/reference/", reference), *app_urlpatterns]
