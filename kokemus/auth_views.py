"""Login with Kokemus' session policy."""

from django.contrib.auth import views as auth_views


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        if form.get_user().is_staff:
            self.request.session.set_expiry(0)  # staff: gone when the browser closes
        return response
