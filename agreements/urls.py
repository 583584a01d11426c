from django.urls import path

from agreements import views

app_name = "agreements"

urlpatterns = [
    path("", views.agreement_list, name="agreement_list"),
    path("palkkiot/", views.monthly_fees, name="monthly_fees"),
    path("palkkiot.csv", views.monthly_fees_csv, name="monthly_fees_csv"),
    path("uusi/", views.agreement_start, name="agreement_start"),
    path("uusi/<int:expert_pk>/", views.agreement_create, name="agreement_create"),
    path("<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("<int:pk>/muokkaa/", views.agreement_update, name="agreement_update"),
    path("<int:pk>/allekirjoita/", views.agreement_sign, name="agreement_sign"),
    path("<int:pk>/paata/", views.agreement_end, name="agreement_end"),
    path("<int:pk>/pdf/", views.agreement_pdf, name="agreement_pdf"),
]
