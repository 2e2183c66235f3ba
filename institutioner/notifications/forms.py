from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _


class NotificationSettingsForm(forms.Form):
    """Per kind: whether the person also gets an e-mail. Notifications in the app always show."""

    emailed = forms.MultipleChoiceField(
        label=_("Send me an e-mail about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose among the kinds shown.")},
    )

    def __init__(self, *args, kinds=(), **kwargs):
        from institutioner.models import NotificationKind

        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["emailed"]).choices = [
            (kind, NotificationKind(kind).label) for kind in kinds
        ]
