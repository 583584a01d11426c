from auditlog.admin import LogEntryAdmin
from auditlog.filters import CIDFilter
from auditlog.filters import ResourceTypeFilter as AuditlogResourceTypeFilter
from auditlog.models import LogEntry
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from kokemus.access import Role
from kokemus.admin_names import permission_label
from kokemus.converters import as_id

admin.site.site_header = _("Kokemus administration")
admin.site.site_title = _("Kokemus administration")
admin.site.index_title = _("Register and reference data")

ADMIN = "admin"  # the role filter's value for staff users, who have no group


class ResourceTypeFilter(AuditlogResourceTypeFilter):
    """auditlog's filter by model, with ``?resource_type=x`` finding nothing instead of a 500."""

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        content_type_id = as_id(self.value())
        if content_type_id is None:
            return queryset.none()
        return queryset.filter(content_type_id=content_type_id)


class ReadOnlyLogEntryAdmin(LogEntryAdmin):
    """The audit trail can be read in the admin, never edited or deleted."""

    list_filter = ["action", ResourceTypeFilter, CIDFilter]

    def has_delete_permission(self, request, obj=None):
        return False


def role_name(group: Group) -> str:
    """A role group by its role's name in the page's language; another group by its own."""
    try:
        return f"{Role(group.name).label} ({group.name})"
    except ValueError:
        return group.name


class NamedPermissionsMixin:
    """Permissions and role groups in the admin's language in the two-list pickers."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name in ("permissions", "user_permissions"):
            field.label_from_instance = permission_label
        elif db_field.name == "groups":
            field.label_from_instance = role_name
        return field


class RoleFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [*Role.choices, (ADMIN, _("Admin"))]

    def queryset(self, request, queryset):
        if self.value() == ADMIN:
            return queryset.filter(is_staff=True)
        if self.value() in Role.values:
            return queryset.filter(groups__name=self.value())
        return queryset


class KokemusUserAdmin(NamedPermissionsMixin, UserAdmin):
    """Django's user admin with each user's roles: the groups of Role, and admin for staff."""

    list_display = ["username", "full_name", "email", "roles", "is_active"]
    list_filter = [RoleFilter, "is_active", "is_superuser"]

    def get_queryset(self, request):
        # the roles column reads each row's groups: one query for the whole page
        groups = Prefetch("groups", queryset=Group.objects.order_by("name"))
        return super().get_queryset(request).prefetch_related(groups)

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, user: User) -> str:
        return user.get_full_name()

    @admin.display(description=_("roles"))
    def roles(self, user: User) -> str:
        names = [Role(group.name).label for group in user.groups.all() if group.name in Role]
        if user.is_staff:
            names.append(_("Admin"))
        return ", ".join(str(name) for name in names) or "–"


class KokemusGroupAdmin(NamedPermissionsMixin, GroupAdmin):
    list_display = ["name", "role"]

    @admin.display(description=_("role"))
    def role(self, group: Group) -> str:
        return Role(group.name).label if group.name in Role else "–"


admin.site.unregister(LogEntry)
admin.site.register(LogEntry, ReadOnlyLogEntryAdmin)
admin.site.unregister(User)
admin.site.register(User, KokemusUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, KokemusGroupAdmin)
