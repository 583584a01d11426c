from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KokemusConfig(AppConfig):
    name = "kokemus"
    verbose_name = _("Kokemus")

    def ready(self):
        from django.urls import register_converter

        from kokemus import checks, sessions, two_factor  # noqa: F401 (receivers, checks)
        from kokemus.admin_names import rename_third_party
        from kokemus.converters import IdConverter

        rename_third_party()
        register_converter(IdConverter, "id")  # before any urls.py is read
