from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kokemus import two_factor, views
from kokemus.auth_views import LoginView

urlpatterns = [
    path("", views.home, name="home"),
    path("kirjaudu/", LoginView.as_view(), name="login"),
    path("kirjaudu-ulos/", auth_views.LogoutView.as_view(), name="logout"),
    path("kirjaudu/kaksivaiheinen/", two_factor.setup, name="two_factor_setup"),
    path("kirjaudu/vahvista/", two_factor.verify, name="two_factor_verify"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("kokemustoimijat/", include("registry.urls")),
    path("sopimukset/", include("agreements.urls")),
    path("tyonohjaus/", include("supervision.urls")),
    path("raportit/", include("reporting.urls")),
    path("admin/", admin.site.urls),
]
