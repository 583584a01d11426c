"""Three sets of URLs, included in kokemus/urls.py under their own prefixes: the expert's
reflection (/oma/palaute/), the coordinators' pages (/palaute/) and the professional's form
behind a private link (/arvio/)."""

from django.urls import path

from feedback import views

expert_patterns = [
    path("<id:pk>/", views.reflection_form, name="reflection_form"),
]

coordinator_patterns = [
    path("", views.reflection_list, name="reflection_list"),
    path("<id:pk>/kasitelty/", views.reflection_handle, name="reflection_handle"),
    path("tehtavat/<id:pk>/", views.assignment_feedback, name="assignment_feedback"),
    path("tehtavat/<id:pk>/linkki/peru/", views.links_revoke, name="links_revoke"),
]

public_patterns = [
    path("<str:token>/", views.professional_form, name="form"),
]
