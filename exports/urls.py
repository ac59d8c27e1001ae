from django.urls import path

from . import views

app_name = "exports"
urlpatterns = [
    path("<slug:kind>/", views.start, name="start"),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/download/", views.download, name="download"),
]
