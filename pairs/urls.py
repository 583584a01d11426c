"""Three sets of URLs, included in kokemus/urls.py under their own prefixes: the coordinators'
pages (/tyoparit/), the expert's own pairs (/oma/tyoparit/) and the professional's private
plan page (/tyopari/)."""

from django.urls import path

from pairs import views

coordinator_patterns = [
    path("", views.pair_list, name="pair_list"),
    path("uusi/", views.pair_create, name="pair_create"),
    path("<id:pk>/", views.pair_detail, name="pair_detail"),
    path("<id:pk>/muokkaa/", views.pair_update, name="pair_update"),
    path("<id:pk>/suunnitelma/", views.plan_edit, name="plan_edit"),
    path("<id:pk>/kuittaa/", views.step_tick, name="step_tick"),
    path("<id:pk>/linkki/laheta/", views.link_send, name="link_send"),
    path("<id:pk>/linkki/peru/", views.link_revoke, name="link_revoke"),
]

expert_patterns = [
    path("", views.my_pair_list, name="pair_list"),
    path("<id:pk>/", views.my_pair_detail, name="pair_detail"),
    path("<id:pk>/kuittaa/", views.my_step_tick, name="step_tick"),
]

public_patterns = [
    path("<str:token>/", views.plan, name="plan"),
]
