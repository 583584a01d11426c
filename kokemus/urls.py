from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from agreements.urls import agreement_patterns, assignment_patterns
from feedback.urls import coordinator_patterns as feedback_patterns
from feedback.urls import expert_patterns as reflection_patterns
from feedback.urls import public_patterns as professional_feedback_patterns
from kokemus import accounts, expert_views, health, two_factor, views
from orders.urls import coordinator_patterns as order_patterns
from orders.urls import expert_patterns as offer_patterns
from orders.urls import public_patterns as request_patterns
from pairs.urls import coordinator_patterns as pair_patterns
from pairs.urls import expert_patterns as my_pair_patterns
from pairs.urls import public_patterns as pair_link_patterns
from registry.urls import register_patterns

# The coordinator's expert pages, in one namespace: those that edit the register (registry) and
# those that show experts with their agreements, work and supervision, which read every app
# and so live above them (kokemus.expert_views).
expert_patterns = [
    path("", expert_views.expert_list, name="expert_list"),
    path("<id:pk>/", expert_views.expert_detail, name="expert_detail"),
    path("<id:pk>/loki/", expert_views.expert_trail, name="expert_trail"),
    path("<id:pk>/palkkiot/", expert_views.expert_fees, name="expert_fees"),
    path("<id:pk>/tiedot.json", expert_views.expert_data_json, name="expert_data_json"),
    path("<id:pk>/tiedot.pdf", expert_views.expert_data_pdf, name="expert_data_pdf"),
    path("<id:pk>/anonymisoi/", expert_views.expert_anonymise_view, name="expert_anonymise"),
    *register_patterns,
]

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "kirjaudu/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("kirjaudu-ulos/", auth_views.LogoutView.as_view(), name="logout"),
    path("kirjaudu/kaksivaiheinen/", two_factor.setup, name="two_factor_setup"),
    path("kirjaudu/vahvista/", two_factor.verify, name="two_factor_verify"),
    # Password reset, also used by the expert's invitation (portal.services.expert_invite).
    path("salasana/", accounts.LimitedPasswordResetView.as_view(), name="password_reset"),
    path(
        "salasana/lahetetty/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "salasana/uusi/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "salasana/valmis/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The language switch in the footer works on the login page too, so it is public.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path(
        "saavutettavuus/",
        login_not_required(views.accessibility_statement),
        name="accessibility_statement",
    ),
    path("kokemustoimijat/", include((expert_patterns, "registry"))),
    path("sopimukset/", include((agreement_patterns, "agreements"))),
    path("tehtavat/", include((assignment_patterns, "assignments"))),
    path("tyonohjaus/", include("supervision.urls")),
    path("raportit/", include("reporting.urls")),
    path("oma/", include("portal.urls")),
    path("tuonti/", include("interchange.urls")),
    path("kokemusohjaus/", include("guidance.urls")),
    path("ilmoitukset/", include("notifications.urls")),
    path("palkkiot/", include("payroll.urls")),
    # Requests (orders): the public form and status page, the queue, the expert's offers.
    path("tilaa/", include((request_patterns, "ordering"))),
    path("tilaukset/", include((order_patterns, "orders"))),
    path("oma/tarjoukset/", include((offer_patterns, "offers"))),
    # Work pairs: the coordinators' pages, the expert's own pairs, the professional's plan.
    path("tyoparit/", include((pair_patterns, "pairs"))),
    path("oma/tyoparit/", include((my_pair_patterns, "my_pairs"))),
    path("tyopari/", include((pair_link_patterns, "pair_link"))),
    # Feedback: the expert's reflection, the coordinators' pages, the professional's form.
    path("oma/palaute/", include((reflection_patterns, "reflections"))),
    path("palaute/", include((feedback_patterns, "feedback"))),
    path("arvio/", include((professional_feedback_patterns, "professional_feedback"))),
    path("admin/", admin.site.urls),
    # For the load balancer: public, no session, plain HTTP allowed (SECURE_REDIRECT_EXEMPT).
    path("healthz", health.healthz, name="healthz"),
]
