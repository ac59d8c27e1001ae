from django.contrib import admin
from django.urls import include, path

from signing_platform import guides
from signing_platform.accounts import views as account_views
from signing_platform.health import healthz
from signing_platform.sms import views as sms_views

admin.site.site_header = "网签平台运营管理"
admin.site.site_title = "网签平台运营管理"
admin.site.index_title = "平台管理"

urlpatterns = [
    path("", account_views.home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("guide/<slug:audience>/", guides.guide, name="guide"),
    path("admin/", admin.site.urls),
    path("accounts/", include("signing_platform.accounts.urls")),
    path("dev/outbox/", sms_views.outbox, name="sms_outbox"),
    path("employer/", include("employers.urls")),
    path("student/", include("students.urls")),
    path("school/", include("schools.urls")),
    path("exports/", include("exports.urls")),
    path("", include("students.destination_urls")),
    path("", include("contracts.urls")),
]
