from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from kokemus import views

urlpatterns = [
    path("", views.home, name="home"),
    path("kirjaudu/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("kirjaudu-ulos/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("kokemustoimijat/", include("registry.urls")),
    path("sopimukset/", include("agreements.urls")),
    path("tyonohjaus/", include("supervision.urls")),
    path("raportit/", include("reporting.urls")),
    path("admin/", admin.site.urls),
]
