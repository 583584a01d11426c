"""Three sets of URLs, included in kokemus/urls.py under their own prefixes: the public form
and status page (/tilaa/), the coordinators' queue (/tilaukset/) and the expert's offers
(/oma/tarjoukset/)."""

from django.urls import path

from orders import views

public_patterns = [
    path("", views.request_form, name="form"),
    path("kiitos/", views.thanks, name="thanks"),
    path("tila/<str:token>/", views.request_status, name="status"),
]

coordinator_patterns = [
    path("", views.request_list, name="request_list"),
    path("<id:pk>/", views.request_detail, name="request_detail"),
    path("<id:pk>/tarjoa/", views.offer_create, name="offer_create"),
    path("<id:pk>/avoin-haku/", views.open_call, name="open_call"),
    path("<id:pk>/varaa-vapaaehtoiset/", views.volunteers_book, name="volunteers_book"),
    path("<id:pk>/hylkaa/", views.request_decline, name="request_decline"),
    path("<id:pk>/peruttu/", views.request_withdraw, name="request_withdraw"),
    path("<id:pk>/linkki/peru/", views.link_revoke, name="link_revoke"),
    path("<id:pk>/linkki/uusi/", views.link_renew, name="link_renew"),
]

expert_patterns = [
    path("<id:pk>/", views.offer_detail, name="offer_detail"),
    path("<id:pk>/vastaa/", views.offer_answer, name="offer_answer"),
]
