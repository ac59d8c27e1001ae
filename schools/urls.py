from django.urls import path

from . import views

app_name = "schools"
urlpatterns = [
    path("roster/", views.roster, name="roster"),
    path("roster/<int:graduate_id>/edit/", views.graduate_edit, name="graduate_edit"),
    path("roster/<int:graduate_id>/id-number/", views.graduate_id_number, name="graduate_id_number"),
    path("roster/import/", views.roster_import_view, name="roster_import"),
    path("roster/import/template/", views.roster_template, name="roster_template"),
    path("reviewers/", views.reviewers, name="reviewers"),
    path("reviewers/<int:reviewer_id>/active/", views.reviewer_set_active, name="reviewer_set_active"),
    path("statistics/", views.statistics, name="statistics"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/<int:correction_id>/resolve/", views.correction_resolve, name="correction_resolve"),
]
