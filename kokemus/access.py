"""Who may see what: the one place for role checks and per-role querysets.

Roles are Django groups (SPEC fixed point); admins are staff users and may do what a
coordinator does. Views declare their roles with ``@role_required`` so that the access matrix
test can read them back from the URL patterns.
"""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    EVALUATION = "evaluation", _("Evaluation group")
    EXPERT = "expert", _("Expert by experience")


def user_roles(user) -> frozenset[str]:
    """The user's role names, read once per request and kept on the user object."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_kokemus_roles"):
        names = set(user.groups.values_list("name", flat=True))
        if user.is_staff:
            names.add(Role.COORDINATOR)  # admins can do what coordinators do
        user._kokemus_roles = frozenset(names)
    return user._kokemus_roles


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def is_coordinator(user) -> bool:
    return has_role(user, Role.COORDINATOR)


def role_required(*roles: str) -> Callable:
    """Let in only users with one of ``roles``; others get 403 (anonymous: the login page)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.allowed_roles = frozenset(roles)
        return wrapper

    return decorator


def roles_context(request) -> dict:
    """Template flags for the role-aware menu."""
    return {
        "roles": SimpleLazyObject(
            lambda: {role.value: has_role(request.user, role) for role in Role}
        )
    }
