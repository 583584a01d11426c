"""The coordinator's agreement pages (/sopimukset/) and assignment pages (/tehtavat/)."""

from django.urls import path

from agreements.views import agreements, assignments

agreement_patterns = [
    path("", agreements.agreement_list, name="agreement_list"),
    path("uusi/", agreements.agreement_start, name="agreement_start"),
    path("uusi/<int:expert_pk>/", agreements.agreement_create, name="agreement_create"),
    path("<int:pk>/", agreements.agreement_detail, name="agreement_detail"),
    path("<int:pk>/muokkaa/", agreements.agreement_update, name="agreement_update"),
    path("<int:pk>/allekirjoita/", agreements.agreement_sign, name="agreement_sign"),
    path("<int:pk>/paata/", agreements.agreement_end, name="agreement_end"),
    path("<int:pk>/pdf/", agreements.agreement_pdf, name="agreement_pdf"),
]

assignment_patterns = [
    path("", assignments.assignment_list, name="assignment_list"),
    path("uusi/", assignments.assignment_create, name="assignment_create"),
    path("<int:pk>/", assignments.assignment_detail, name="assignment_detail"),
    path("<int:pk>/muokkaa/", assignments.assignment_update, name="assignment_update"),
    path("<int:pk>/kopioi/", assignments.assignment_copy, name="assignment_copy"),
    path("<int:pk>/tila/", assignments.assignment_status, name="assignment_status"),
]
