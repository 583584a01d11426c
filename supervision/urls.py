"""The coordinator's supervision pages (/tyonohjaus/)."""

from django.urls import path

from supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.group_list, name="group_list"),
    path("uusi/", views.group_create, name="group_create"),
    path("kattavuus/", views.coverage, name="coverage"),
    path("kattavuus/lisaa/", views.coverage_add_member, name="coverage_add_member"),
    path("<id:pk>/", views.group_detail, name="group_detail"),
    path("<id:pk>/muokkaa/", views.group_update, name="group_update"),
    path("<id:group_pk>/istunto/", views.session_create, name="session_create"),
    path("istunto/<id:pk>/", views.session_update, name="session_update"),
    path("aihe/<id:pk>/otettu/", views.proposal_take_up, name="proposal_take_up"),
    path("<id:group_pk>/sarja/", views.series_create, name="series_create"),
    path("sarja/<id:pk>/", views.series_update, name="series_update"),
    path("sarja/<id:pk>/paata/", views.series_end, name="series_end"),
    path("jasen/<id:pk>/", views.membership_update, name="membership_update"),
]
