from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    """Requests (tilaukset) from services, offers to experts and the requester's status link.

    Named ``orders`` rather than ``requests``, which would shadow the HTTP library."""

    name = "orders"
    verbose_name = _("Requests")
