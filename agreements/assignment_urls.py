"""The coordinator's assignment pages (/tehtavat/)."""

from django.urls import path

from agreements import assignment_views as views

app_name = "assignments"

urlpatterns = [
    path("", views.assignment_list, name="assignment_list"),
    path("uusi/", views.assignment_create, name="assignment_create"),
    path("<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path("<int:pk>/muokkaa/", views.assignment_update, name="assignment_update"),
    path("<int:pk>/kopioi/", views.assignment_copy, name="assignment_copy"),
    path("<int:pk>/tila/", views.assignment_status, name="assignment_status"),
]
