"""Two-factor login with a TOTP app (django-otp): optional for coordinators and admins, and
required for them when TWO_FACTOR_REQUIRED is on. A user with a confirmed device must always
enter a code after the password."""

import base64
import io

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from kokemus.access import Role, is_coordinator, role_required

# Pages a user may open between the password and the code.
EXEMPT_URL_NAMES = {"two_factor_setup", "two_factor_verify", "logout", "set_language", "healthz"}
# Set at login when the user has a device, so requests need no device query.
CODE_PENDING = "two_factor_code_pending"


class TokenForm(forms.Form):
    token = forms.CharField(
        label=gettext_lazy("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


def needs_setup(user) -> bool:
    return settings.TWO_FACTOR_REQUIRED and is_coordinator(user)


@receiver(user_logged_in)
def ask_for_code_after_password(sender, request, user, **kwargs):
    """Every way of logging in (our login page, the admin's) leads to the code."""
    if user_has_device(user, confirmed=True):
        request.session[CODE_PENDING] = True


class TwoFactorMiddleware:
    """Send a logged-in user to verify (has a device) or to set up (required) first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.url_name in EXEMPT_URL_NAMES:
            return None
        if request.session.get(CODE_PENDING):
            return redirect("two_factor_verify")
        if needs_setup(user):
            return redirect("two_factor_setup")
        return None


def _check_token(request, device) -> bool:
    form = TokenForm(request.POST)
    if form.is_valid() and device.verify_token(form.cleaned_data["token"].strip()):
        return True
    form.add_error("token", _("The code is wrong or too old. Enter the newest code."))
    request.token_form = form
    return False


@role_required(Role.COORDINATOR)
def setup(request):
    """Show a QR code for an authenticator app and confirm it with one code."""
    if user_has_device(request.user, confirmed=True):
        messages.info(request, _("Two-factor login is already on."))
        return redirect("home")
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Kokemus"}
    )
    if request.method == "POST" and _check_token(request, device):
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        otp_login(request, device)
        messages.success(request, _("Two-factor login is on."))
        return redirect("home")
    svg = io.BytesIO()
    write_qrcode_image(device.config_url, svg)
    return render(
        request,
        "registration/two_factor_setup.html",
        {
            "form": getattr(request, "token_form", TokenForm()),
            "qr_svg": mark_safe(svg.getvalue().decode()),  # made here from our own data
            "secret": base64.b32encode(device.bin_key).decode(),
            "required": needs_setup(request.user),
        },
    )


@role_required(Role.COORDINATOR, Role.EVALUATION, Role.EXPERT)
def verify(request):
    """Ask for the current code after the password (any role with a device)."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        request.session.pop(CODE_PENDING, None)
        return redirect("home")
    if request.method == "POST" and _check_token(request, device):
        otp_login(request, device)
        request.session.pop(CODE_PENDING, None)
        return redirect("home")
    form = getattr(request, "token_form", TokenForm())
    return render(request, "registration/two_factor_verify.html", {"form": form})
