from django.urls import path

from . import views

app_name = "employers"
urlpatterns = [
    path("", views.home, name="home"),
    path("system/", views.system_choice, name="system_choice"),
    path("authentication/", views.authentication, name="authentication"),
]
