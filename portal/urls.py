from django.urls import path

from portal import views

app_name = "portal"

urlpatterns = [
    path("", views.my_page, name="my_page"),
    path("tehtavat/<id:pk>/", views.assignment_detail, name="assignment_detail"),
    path("tehtavat/<id:pk>/raportti/", views.assignment_report, name="assignment_report"),
    path("tehtavat/<id:pk>/peru/", views.assignment_withdraw, name="assignment_withdraw"),
    path("sopimukset/", views.agreement_list, name="agreement_list"),
    path("sopimukset/<id:pk>/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("tyonohjaus/", views.supervision, name="supervision"),
    path("tyonohjaus/<id:pk>/aiheet/", views.session_topics, name="session_topics"),
    path("tiedot/", views.contact_details, name="contact_details"),
    path("suostumus/<id:pk>/peru/", views.consent_withdraw_view, name="consent_withdraw"),
    path("palkkiot/", views.fees, name="fees"),
    path("palkkiot/palkkioselvitys.pdf", views.fee_statement_pdf, name="fee_statement_pdf"),
    path("kalenteri/uusi/", views.calendar_regenerate, name="calendar_regenerate"),
    path("kalenteri/poista/", views.calendar_revoke_own, name="calendar_revoke_own"),
    path("kalenteri/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path("kalenteri/<id:expert_pk>/peru/", views.calendar_revoke, name="calendar_revoke"),
    path("kutsu/<id:expert_pk>/", views.invite, name="invite"),
]
