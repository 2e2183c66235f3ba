from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from institutioner import views as institutioner_views
from institutioner.forms import EmailAuthenticationForm

auth_patterns = [
    path(
        "log-ind/",
        institutioner_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("log-ud/", institutioner_views.LogoutView.as_view(), name="logout"),
    path(
        "adgangskode/skift/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "adgangskode/skift/faerdig/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "adgangskode/nulstil/",
        # The e-mail is `templates/emails/password_reset_*`, sent through the outbox.
        institutioner_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "adgangskode/nulstil/sendt/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "adgangskode/nulstil/<uidb64>/<token>/",
        institutioner_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "adgangskode/nulstil/faerdig/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", include("institutioner.urls")),
    path("", include("indsats.urls")),
    path("", include("forloeb.urls")),
    path("konto/", include(auth_patterns)),
    path("admin/", admin.site.urls),
]

# An uncaught exception from a service that did not answer in time becomes the Danish 503 page.
handler500 = "institutioner.unavailable.server_error"
