from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("", views.report, name="report"),
    path("vienti/<str:file_format>/", views.export, name="export"),
]
