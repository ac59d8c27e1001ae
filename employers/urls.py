from django.urls import path

from . import views

app_name = "employers"
urlpatterns = [
    path("", views.home, name="home"),
    path("system/", views.system_choice, name="system_choice"),
    path("authentication/", views.authentication, name="authentication"),
    path("authentication/cities/", views.cities, name="cities"),
    path("authentication/<int:request_id>/licence/", views.licence, name="licence"),
    path("archive/", views.archive, name="archive"),
    path("account/", views.account, name="account"),
    path("account/contacts/new/", views.contact_edit, name="contact_add"),
    path("account/contacts/<int:contact_id>/", views.contact_edit, name="contact_edit"),
    path("account/contacts/<int:contact_id>/toggle/", views.contact_toggle, name="contact_toggle"),
    path("account/sub-accounts/new/", views.sub_account_add, name="sub_account_add"),
    path("account/sub-accounts/<int:member_id>/toggle/", views.sub_account_toggle, name="sub_account_toggle"),
    path("account/mobile/", views.mobile_change, name="mobile_change"),
    path("sub-account/password/", views.sub_account_password, name="sub_account_password"),
]
