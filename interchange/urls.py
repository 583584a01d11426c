from django.urls import path

from interchange import views

app_name = "interchange"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("vahvista/", views.confirm, name="confirm"),
]
