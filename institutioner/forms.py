import uuid
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordResetForm as DjangoPasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from institutioner import services
from institutioner.sso import selectors as sso_selectors


class EmailAuthenticationForm(AuthenticationForm):
    """Log in with e-mail. The error never says whether the address or the password was wrong."""

    username = forms.EmailField(
        label=_("E-mail"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )

    error_messages = {
        "invalid_login": _(
            "We could not log you in with that e-mail and password. Check both and try again."
        ),
        "inactive": _("This account is not active. Contact the administration."),
    }

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not sso_selectors.password_login_allowed(user):
            raise ValidationError(
                _("Passwords are switched off here. Log in with the municipality's login."),
                code="no_passwords",
            )


class PasswordResetForm(DjangoPasswordResetForm):
    """Django's form; the e-mail is put in the outbox instead of being sent in the request."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        services.password_reset_queue(user=context["user"], context=context)


class PasswordResetByEmailForm(PasswordResetForm):
    """No new password for someone who may not log in with one (and the e-mail through the
    outbox, as its parent does)."""

    def get_users(self, email):
        return (u for u in super().get_users(email) if sso_selectors.password_login_allowed(u))


def add_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field where the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class ClientTokenField(forms.CharField):
    """The hidden token of a create form: the same form posted twice (a double click, two tabs)
    saves once, as the service looks the token up. Read it with `client_token_clean`."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


def client_token_in_address(request) -> uuid.UUID | None:
    """A create form's token from the page's address (`?token=…`), or None: then the view sends
    the person on to its own address with a fresh one (`client_token_address`). Pages are never
    cached, so the browser's Back button after saving loads the form again: with a new token the
    second save made a second draft; with the address's token the service finds the first."""
    try:
        return uuid.UUID(str(request.GET.get("token") or ""))
    except ValueError:
        return None


def client_token_address(request) -> str:
    """The form's own address with a fresh token."""
    return f"{request.path}?{urlencode({'token': uuid.uuid4()})}"


def client_token_clean(form, name: str = "client_token") -> uuid.UUID | None:
    """The token as a UUID. Missing or broken (a tampered post, a page cut off): the form says
    so and carries a fresh token, so saving again works and keeps everything typed."""
    try:
        return uuid.UUID(str(form.cleaned_data.get(name) or ""))
    except ValueError:
        form.data = form.data.copy()
        form.data[form.add_prefix(name)] = str(uuid.uuid4())
        form.add_error(
            None,
            _("The form could not be read completely. Check what you typed and save again."),
        )
        return None
