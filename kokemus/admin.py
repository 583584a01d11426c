from django.contrib import admin
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Kokemus administration")
admin.site.site_title = _("Kokemus administration")
admin.site.index_title = _("Register and reference data")
