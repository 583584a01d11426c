"""Kokemusohjaus periods under /kokemusohjaus/: the list and a period's pages serve both the
coordinators (every period) and the guide (their own); referrals are the coordinators'."""

from django.urls import path

from guidance import views

app_name = "guidance"

urlpatterns = [
    path("", views.period_list, name="period_list"),
    path("uusi/", views.period_create, name="period_create"),
    path("tilauksesta/<id:request_pk>/", views.period_from_request, name="period_from_request"),
    path("<id:pk>/", views.period_detail, name="period_detail"),
    path("<id:pk>/muokkaa/", views.period_update, name="period_update"),
    path("<id:pk>/aloitus/", views.period_start, name="period_start"),
    path("<id:pk>/tapaaminen/", views.meeting_create, name="meeting_create"),
    path("tapaamiset/<id:pk>/", views.meeting_update, name="meeting_update"),
    path("<id:pk>/paatos/", views.period_end, name="period_end"),
]
