import uuid
from decimal import Decimal
from typing import cast

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Fieldset, Layout, Row
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from indsats.models import (
    ENDING,
    AssessmentKind,
    CustodyConsent,
    SupportApplication,
    SupportKind,
    SupportStatus,
)
from indsats.support import files, services
from institutioner import access
from institutioner.forms import ClientTokenField, client_token_clean
from institutioner.inputs import (
    DayField,
    DecimalCommaField,
    IdChoiceField,
    IdMultipleChoiceField,
    whole_number,
)
from institutioner.models import Group, Institution, User
from institutioner.textlimits import LINE, MEDIUM, TextField, use_length_message
from institutioner.validators import validate_no_cpr_child
from institutioner.widgets import QuickSelect

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EarlierInterventionsWidget(forms.CheckboxSelectMultiple):
    """The earlier interventions, each marked with its institution: those of another institution
    than the application's are hidden and disabled (`shown_institution`; None: all, until the
    leader of several institutions has chosen one). static/js/support-form.js shows the chosen
    institution's as the choice changes; the service refuses another institution's."""

    shown_institution: int | None = None

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        institution_id = getattr(getattr(value, "instance", None), "institution_id", None)
        option["institution"] = institution_id
        # A ticked one stays in view, so the message that it is another institution's is
        # beside it (the leader changed the institution without JavaScript).
        other = self.shown_institution is not None and institution_id != self.shown_institution
        if other and not selected:
            option["hidden"] = True
            option["attrs"]["disabled"] = True
        return option


class GroupSelect(forms.Select):
    """The groups, each marked with its institution (data-institution): another institution's
    than the application's are hidden and disabled (`shown_institution`; None: all, until the
    leader of several institutions has chosen one), as the earlier interventions are.
    static/js/support-form.js follows the institution chosen; the service refuses another
    institution's group (services.check_group)."""

    shown_institution: int | None = None

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        institution_id = getattr(getattr(value, "instance", None), "institution_id", None)
        if institution_id is None:
            return option  # "No group": the choice for any institution
        option["attrs"]["data-institution"] = institution_id
        # A chosen one stays in view, so the message that it is another institution's is
        # beside it (the leader changed the institution without JavaScript).
        other = self.shown_institution is not None and institution_id != self.shown_institution
        if other and not selected:
            option["attrs"]["hidden"] = True
            option["attrs"]["disabled"] = True
        return option


class SupportForm(forms.ModelForm):
    client_token = ClientTokenField()
    # Changing an application: the saved application the form was opened on
    # (services.support_stamp); a save from another tab or person in between is refused rather
    # than overwritten.
    stamp = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    class Meta:
        model = SupportApplication
        fields = [
            "kind",
            "institution",
            "group",
            "child_name",
            "child_birth_date",
            "everyday_needs",
            "earlier_interventions",
            "tried_already",
            "hours_per_week",
            "period_start",
            "period_end",
            "custody_consent",
            "single_consent_reason",
        ]
        field_classes = {
            "institution": IdChoiceField,
            "group": IdChoiceField,
            "earlier_interventions": IdMultipleChoiceField,
            "hours_per_week": DecimalCommaField,
            "everyday_needs": TextField,
            "tried_already": TextField,
            "child_birth_date": DayField,
            "period_start": DayField,
            "period_end": DayField,
        }
        widgets = {
            "everyday_needs": forms.Textarea(attrs={"rows": 6}),
            "tried_already": forms.Textarea(attrs={"rows": 4}),
            "child_birth_date": DATE,
            "period_start": DATE,
            "period_end": DATE,
            "earlier_interventions": EarlierInterventionsWidget,
            "group": GroupSelect,
            "custody_consent": forms.RadioSelect,
        }
        help_texts = {
            "child_name": _("The name only: never a CPR number."),
            "tried_already": _("Besides the earlier interventions picked above."),
            "hours_per_week": _("Required for support hours."),
            # Up to three months back is allowed (periods.py): the need may have been there a
            # while. The leader is told what a start that has passed means.
            "period_start": _(
                "Support is granted from the visitation meeting at the earliest; a day that has "
                "passed tells the committee since when the need has been there."
            ),
        }

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        institutions = access.institutions_for(user)
        institution_field = cast(forms.ModelChoiceField, self.fields["institution"])
        institution_field.queryset = institutions
        group_field = cast(forms.ModelChoiceField, self.fields["group"])
        group_field.queryset = Group.objects.filter(institution__in=institutions).select_related(
            "institution"
        )
        group_field.label_from_instance = lambda g: f"{g.name} ({g.institution.name})"  # type: ignore[method-assign,assignment]
        group_field.empty_label = _("No group")
        earlier = cast(forms.ModelMultipleChoiceField, self.fields["earlier_interventions"])
        earlier.queryset = services.linkable_requests(institutions)
        earlier.label_from_instance = _request_label  # type: ignore[method-assign,assignment]
        earlier.help_text = _(
            "The institution's accepted requests for an intervention: tick those for the "
            "child's group."
        )
        consent = cast(forms.ChoiceField, self.fields["custody_consent"])
        consent.choices = [
            (value, label)
            for value, label in CustodyConsent.choices
            if value != CustodyConsent.NONE
        ]
        consent.required = False
        self.fields["child_name"].validators.append(validate_no_cpr_child)
        # The reason is about this child, as the other fields are: their CPR message, checked
        # here so the model's general one (about a children's group) is not shown.
        self.fields["single_consent_reason"].validators.append(validate_no_cpr_child)
        self.fields["single_consent_reason"].widget.attrs["maxlength"] = LINE
        hours = self.fields["hours_per_week"]
        hours.widget.attrs.update(min="0.5", max="40", step="0.5")
        # A special place has no hours: the field shows for support hours only
        # (static/js/shown-by-choice.js; without it the server refuses hours with a place).
        hours.widget.attrs["data-for-kinds"] = SupportKind.SUPPORT_HOURS
        # As the decision form: above 0 and at most 40 hours a week, one message.
        # (Before the digits check, so 1000 is told it is above 40, not that it has 4 digits.)
        hours.validators[:0] = [MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal(40))]
        hours.error_messages.update(
            {
                "min_value": _("The hours a week must be at least 0.5."),
                "max_value": _("The hours a week must be at most 40."),
                "invalid": _("Write the hours as a number, e.g. 7,5."),
            }
        )
        if institutions.count() == 1 and not self.instance.pk:
            self.fields["institution"].initial = institutions.first()
        # Only the application's institution's groups and earlier interventions are offered:
        # the one chosen in the form sent (shown again after an error), the saved one, or the
        # only one.
        chosen = self._institution_id()
        cast(EarlierInterventionsWidget, earlier.widget).shown_institution = chosen
        cast(GroupSelect, group_field.widget).shown_institution = chosen
        if not self.instance.pk:
            self.initial.setdefault("client_token", uuid.uuid4())
            del self.fields["stamp"]
        else:
            self.initial.setdefault("stamp", services.support_stamp(self.instance))
        use_length_message(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("Application"), "kind", Row(Column("institution"), Column("group"))),
            Fieldset(
                _("The child"),
                Row(Column("child_name"), Column("child_birth_date")),
                "everyday_needs",
            ),
            Fieldset(
                _("What the institution has tried"),
                Field(
                    "earlier_interventions",
                    template="indsats/support/_earlier_interventions_field.html",
                ),
                "tried_already",
            ),
            Fieldset(
                _("What is applied for"),
                Row(Column("hours_per_week"), Column("period_start"), Column("period_end")),
            ),
            Fieldset(
                _("Consent of the custody holders"),
                "custody_consent",
                "single_consent_reason",
            ),
            "client_token",
            *(["stamp"] if "stamp" in self.fields else []),
        )

    def _institution_id(self) -> int | None:
        """The institution the application is for, as far as the form knows it: None while a
        leader of several institutions has not chosen one. A posted value is only read as a
        number here; whether it is one of the leader's the institution field checks."""
        if self.is_bound:
            return whole_number(str(self.data.get(self.add_prefix("institution")) or ""))
        if self.instance.pk:
            return self.instance.institution_id
        initial = self.initial.get("institution") or self.fields["institution"].initial
        return getattr(initial, "pk", initial)

    def clean_client_token(self):
        # Only a new form saves by its token; a change goes to the application it is.
        return None if self.instance.pk else client_token_clean(self)

    def clean_child_name(self):
        # One space between the names: the name is how the child is found again (an access
        # request for the child, the committee's lists).
        return " ".join(self.cleaned_data["child_name"].split())

    def clean_custody_consent(self):
        return self.cleaned_data.get("custody_consent") or ""

    def clean(self):
        """The service's checks too, on the fields the form took, so that every error is shown
        on the first save (a group of another institution and a birth date in the future
        together with a CPR number elsewhere); a field the form refused keeps its message."""
        data = super().clean() or self.cleaned_data
        checks = []
        if data.get("institution") is not None:
            checks += [lambda: services.check_group(data), lambda: services.check_earlier(data)]
        fields = ("kind", "hours_per_week", "child_birth_date", "period_start", "period_end")
        probe = SupportApplication(**{name: data.get(name) for name in fields})
        since = timezone.localdate(self.instance.created_at) if self.instance.pk else None
        if data.get("kind"):
            checks.append(lambda: services.check_hours(probe))
        checks.append(lambda: services.check_dates(probe, since=since))
        for check in checks:
            try:
                check()
            except forms.ValidationError as error:
                for field, messages in error.message_dict.items():
                    if field not in self.errors:
                        self.add_error(field, messages)
        return data


def _request_label(req) -> str:
    where = f"{req.institution.name}, {req.group.name}" if req.group else req.institution.name
    return f"#{req.pk} {where} ({req.created_at:%d.%m.%Y})"


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=AssessmentKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, Word (.doc, .docx, .odt) or an image (JPEG, PNG, HEIC)."),
        widget=forms.ClearableFileInput(attrs={"accept": files.ACCEPT}),
        error_messages={"required": _("Choose a file."), "empty": _("The file is empty.")},
    )

    def __init__(self, *args, missing: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        if missing and not self.is_bound:
            self.initial.setdefault("kind", missing[0])


class WithdrawForm(forms.Form):
    reason = TextField(
        label=_("Why (optional)"),
        max_length=MEDIUM,
        required=False,
        validators=[validate_no_cpr_child],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(forms.Form):
    answer = TextField(
        label=_("Your answer"),
        max_length=MEDIUM,
        validators=[validate_no_cpr_child],
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write your answer.")},
    )


class AskForm(forms.Form):
    question = TextField(
        label=_("Question to the leader"),
        max_length=MEDIUM,
        validators=[validate_no_cpr_child],
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write what you need to know.")},
    )


class PersonForm(forms.Form):
    person = IdChoiceField(
        label=_("Pedagogist"),
        queryset=User.objects.none(),
        empty_label=None,
    )

    def __init__(self, *args, application: SupportApplication, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["person"])
        field.queryset = (
            User.objects.filter(
                is_active=True,
                pedagogist__assignments__institution_id=application.institution_id,
            )
            .exclude(pk__in=application.added_people.values("pk"))
            .distinct()
            .order_by("name")
        )


def _status_choices() -> list[tuple[str, str | Promise]]:
    """The statuses the list shows (a draft is the institution's own), with "Granted, ending"
    before "Ended": an ending whose support still runs is not listed as ended."""
    choices: list[tuple[str, str | Promise]] = []
    for value, label in SupportStatus.choices:
        if value == SupportStatus.DRAFT:
            continue
        if value == SupportStatus.ENDED:
            choices.append((ENDING, _("Granted, ending")))
        choices.append((value, label))
    return choices


class SupportFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=_status_choices(),
        empty_label=_("All statuses"),
        method="filter_status",
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind of application"), choices=SupportKind.choices, empty_label=_("All kinds")
    )
    institution = django_filters.ModelChoiceFilter(
        label=_("Institution"),
        queryset=Institution.objects.only("pk", "name").order_by("name"),
        empty_label=_("All institutions"),
        widget=QuickSelect,  # a large municipality's 400 institutions
    )

    class Meta:
        model = SupportApplication
        fields = ["status", "kind", "institution"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.form.fields.values():
            field.widget.attrs["class"] = "form-select"

    def filter_status(self, queryset, name, value):
        # As the list shows them: "Ended" once the last day with support has passed.
        return queryset.with_status(value) if value else queryset
