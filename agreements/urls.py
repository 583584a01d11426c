"""The coordinator's agreement pages (/sopimukset/) and assignment pages (/tehtavat/)."""

from django.urls import path

from agreements.views import agreements, assignments, fees

agreement_patterns = [
    path("", agreements.agreement_list, name="agreement_list"),
    path("palkkiot/", fees.monthly_fees, name="monthly_fees"),
    path("palkkiot.csv", fees.monthly_fees_csv, name="monthly_fees_csv"),
    path("uusi/", agreements.agreement_start, name="agreement_start"),
    path("uusi/<id:expert_pk>/", agreements.agreement_create, name="agreement_create"),
    path("<id:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("<id:pk>/muokkaa/", agreements.agreement_update, name="agreement_update"),
    path("<id:pk>/allekirjoita/", agreements.agreement_sign, name="agreement_sign"),
    path("<id:pk>/paata/", agreements.agreement_end, name="agreement_end"),
    path("<id:pk>/pdf/", agreements.agreement_pdf, name="agreement_pdf"),
]

assignment_patterns = [
    path("", assignments.assignment_list, name="assignment_list"),
    path("uusi/", assignments.assignment_create, name="assignment_create"),
    path("<id:pk>/", assignments.assignment_detail, name="assignment_detail"),
    path("<id:pk>/muokkaa/", assignments.assignment_update, name="assignment_update"),
    path("<id:pk>/kopioi/", assignments.assignment_copy, name="assignment_copy"),
    path("<id:pk>/tila/", assignments.assignment_status, name="assignment_status"),
]
