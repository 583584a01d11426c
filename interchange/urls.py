from django.urls import path

from interchange import views

app_name = "interchange"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("tuontipohja.xlsx", views.template, name="template"),
    path("<id:pk>/", views.job, name="job"),
    path("<id:pk>/tila/", views.job_status, name="job_status"),
    path("<id:pk>/koodit/", views.job_map, name="job_map"),
    path("<id:pk>/vahvista/", views.job_confirm, name="job_confirm"),
    path("tuonnit/<id:pk>/kumoa/", views.run_undo, name="run_undo"),
]
