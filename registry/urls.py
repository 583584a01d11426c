from django.urls import path

from registry import views

app_name = "registry"

urlpatterns = [
    path("", views.expert_list, name="expert_list"),
    path("uusi/", views.expert_create, name="expert_create"),
    path("<int:pk>/", views.expert_detail, name="expert_detail"),
    path("<int:pk>/muokkaa/", views.expert_update, name="expert_update"),
    path("<int:pk>/suostumus/", views.expert_consent, name="expert_consent"),
    path(
        "<int:pk>/suostumus/peru/",
        views.expert_consent_withdraw,
        name="expert_consent_withdraw",
    ),
    path("<int:pk>/loki/", views.expert_trail, name="expert_trail"),
    path("<int:pk>/palkkiot/", views.expert_fees, name="expert_fees"),
    path("<int:pk>/tiedot.json", views.expert_data_json, name="expert_data_json"),
    path("<int:pk>/tiedot.pdf", views.expert_data_pdf, name="expert_data_pdf"),
    path("<int:pk>/anonymisoi/", views.expert_anonymise_view, name="expert_anonymise"),
]
