"""The register's own pages under /kokemustoimijat/; kokemus/urls.py adds the expert pages
that read the apps above the register (kokemus.expert_views) to the same namespace."""

from django.urls import path

from registry import views

register_patterns = [
    path("uusi/", views.expert_create, name="expert_create"),
    path("<id:pk>/muokkaa/", views.expert_update, name="expert_update"),
    path("<id:pk>/suostumus/", views.expert_consent, name="expert_consent"),
    path(
        "<id:pk>/suostumus/peru/",
        views.expert_consent_withdraw,
        name="expert_consent_withdraw",
    ),
]
