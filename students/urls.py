from django.urls import path

from . import views

app_name = "students"
urlpatterns = [
    path("", views.home, name="home"),
    path("activate/", views.activate, name="activate"),
    path("confirm/", views.confirm, name="confirm"),
    path("correction/", views.correction, name="correction"),
    path("profile/", views.profile, name="profile"),
    path("profile/mobile/", views.change_mobile, name="change_mobile"),
]
