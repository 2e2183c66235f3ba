import uuid
from datetime import timedelta
from decimal import Decimal
from typing import cast

from crispy_forms.bootstrap import InlineCheckboxes
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from indsats.models import (
    FocusLevel,
    InterventionRequest,
    LearningTheme,
    Weekday,
)
from institutioner import access
from institutioner.forms import ClientTokenField, client_token_clean
from institutioner.inputs import DayField, IdChoiceField, IdMultipleChoiceField
from institutioner.models import Assignment, Group, Pedagogist, Role, User
from institutioner.textlimits import LINE, MEDIUM, SHORT, TextField, use_length_message
from institutioner.validators import (
    validate_no_cpr,
    validate_no_cpr_plain,
    validate_phone,
    validate_plausible_date,
)
from institutioner.wallclock import clean_meeting_times
from institutioner.workdays import is_working_day, not_a_working_day

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class RequestForm(forms.ModelForm):
    focus_levels = forms.MultipleChoiceField(
        label=_("Focus level(s)"),
        choices=FocusLevel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one focus level.")},
    )
    themes = forms.MultipleChoiceField(
        label=_("Learning-plan themes"),
        choices=LearningTheme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    wished_weekdays = forms.TypedMultipleChoiceField(
        label=_("Wished weekdays"),
        choices=Weekday.choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    client_token = ClientTokenField()

    class Meta:
        model = InterventionRequest
        fields = [
            "institution",
            "group",
            "need",
            "focus_levels",
            "themes",
            "age_group",
            "group_size",
            "tried_already",
            "wished_start",
            "wished_weeks",
            "wished_weekdays",
            "wished_time_from",
            "wished_time_to",
            "contact_name",
            "contact_phone",
            "contact_email",
        ]
        field_classes = {
            "institution": IdChoiceField,
            "group": IdChoiceField,
            "need": TextField,
            "tried_already": TextField,
        }
        widgets = {
            "need": forms.Textarea(attrs={"rows": 5}),
            "tried_already": forms.Textarea(attrs={"rows": 3}),
            "wished_start": DATE,
            "wished_time_from": TIME,
            "wished_time_to": TIME,
        }

    def __init__(self, *args, user: User, answer: str | None = None, **kwargs):
        """`answer`: the request waits for an answer to the administration's question; the form
        has a field for it, holding the answer given so far ("" if none)."""
        super().__init__(*args, **kwargs)
        if answer is not None:
            self.fields["answer"] = TextField(
                label=_("Your answer to the administration's question"),
                max_length=MEDIUM,
                required=False,
                initial=answer,
                widget=forms.Textarea(attrs={"rows": 4}),
                validators=[validate_no_cpr],
                help_text=_(
                    "The administration sees it beside its question, and it is kept in the "
                    "request's history. Change the fields below too, if the answer changes them."
                ),
            )
        institutions = access.institutions_for(user)
        institution_field = cast(forms.ModelChoiceField, self.fields["institution"])
        institution_field.queryset = institutions
        group_field = cast(forms.ModelChoiceField, self.fields["group"])
        group_field.queryset = Group.objects.filter(institution__in=institutions).select_related(
            "institution"
        )
        group_field.label_from_instance = lambda g: f"{g.name} ({g.institution.name})"  # type: ignore[method-assign,assignment]
        group_field.empty_label = _("The whole institution")
        if institutions.count() == 1 and not self.instance.pk:
            self.fields["institution"].initial = institutions.first()
        if self.instance.pk:
            self.initial["focus_levels"] = [f.level for f in self.instance.focus_levels.all()]
            self.initial["themes"] = [t.theme for t in self.instance.themes.all()]
        else:
            self.initial.setdefault("client_token", uuid.uuid4())
            self.initial.setdefault("contact_name", user.name)
            self.initial.setdefault("contact_email", user.email)
            self.initial.setdefault("contact_phone", user.phone)
        use_length_message(self)
        # The model's limits (its check constraints), told under the field: a constraint's
        # message would stand above the form, away from the field it is about.
        for name, most, message in (
            ("group_size", 200, _("The number of children must be between 1 and 200.")),
            ("wished_weeks", 52, _("The length must be between 1 and 52 weeks.")),
        ):
            field = self.fields[name]
            field.validators = [MinValueValidator(1, message), MaxValueValidator(most, message)]
            field.widget.attrs.update(min=1, max=most)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            *([Fieldset(_("Answer"), "answer")] if "answer" in self.fields else []),
            Fieldset(_("Where"), Row(Column("institution"), Column("group"))),
            Fieldset(
                _("The need"),
                "need",
                "focus_levels",
                "themes",
                "tried_already",
            ),
            Fieldset(_("The group of children"), Row(Column("age_group"), Column("group_size"))),
            Fieldset(
                _("When"),
                Row(Column("wished_start"), Column("wished_weeks")),
                InlineCheckboxes("wished_weekdays"),
                Row(Column("wished_time_from"), Column("wished_time_to")),
            ),
            Fieldset(
                _("Contact"),
                Row(Column("contact_name"), Column("contact_phone"), Column("contact_email")),
            ),
            "client_token",
        )

    def clean_contact_phone(self):
        phone = self.cleaned_data.get("contact_phone", "")
        validate_phone(phone)
        return phone

    def clean_client_token(self):
        # Only a new form saves by its token; a change goes to the application it is.
        return None if self.instance.pk else client_token_clean(self)

    def clean_wished_start(self):
        start = self.cleaned_data["wished_start"]
        today = timezone.localdate()
        changed = "wished_start" in self.changed_data or not self.instance.pk
        if changed and start < today:
            raise forms.ValidationError(_("The wished start cannot be in the past."))
        if start > today + timedelta(days=365):
            raise forms.ValidationError(_("The wished start can be at most a year ahead."))
        # The agreement and the course start on a working day; a holiday or weekend is refused
        # here, with the day named, rather than at a later step. On every save while the day is
        # ahead, also when it was kept from a request saved before this rule; a day that has
        # passed is the request's history and is left alone.
        if start >= today and not is_working_day(start):
            raise forms.ValidationError(not_a_working_day(start))
        return start

    def clean(self):
        super().clean()
        data = self.cleaned_data
        institution, group = data.get("institution"), data.get("group")
        if institution and group and group.institution_id != institution.pk:
            self.add_error("group", _("The group does not belong to the chosen institution."))
        start, end = data.get("wished_time_from"), data.get("wished_time_to")
        if start and end and end <= start:
            self.add_error(
                "wished_time_to", _("The end of the time window must be after its start.")
            )
        if bool(start) != bool(end):
            self.add_error(
                "wished_time_to" if start else "wished_time_from",
                _("Give both the start and the end of the time window, or neither."),
            )
        if institution and start and end:
            opens, closes = institution.opens_at, institution.closes_at
            if start < opens or end > closes:
                self.add_error(
                    "wished_time_from",
                    _("%(name)s is open %(opens)s–%(closes)s; choose a time window inside it.")
                    % {
                        "name": institution.name,
                        "opens": opens.strftime("%H:%M"),
                        "closes": closes.strftime("%H:%M"),
                    },
                )
        return data


# The agreed hours a week, told with their limits (the agreement's editor uses them too).
_HOURS_A_WEEK = _("Hours a week must be between 0,25 and 48.")
HOURS_A_WEEK_ERRORS = {"min_value": _HOURS_A_WEEK, "max_value": _HOURS_A_WEEK}


class AcceptForm(forms.Form):
    pedagogists = IdMultipleChoiceField(
        label=_("Pedagogists"),
        # Someone who has left the municipality is given no new work.
        queryset=Pedagogist.objects.filter(user__is_active=True)
        .select_related("user")
        .order_by("user__name"),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one pedagogist.")},
    )
    weekly_hours = forms.DecimalField(
        label=_("Hours a week for each pedagogist"),
        error_messages=HOURS_A_WEEK_ERRORS,
        min_value=Decimal("0.25"),
        max_value=48,
        decimal_places=2,
        localize=True,
    )
    reason = TextField(
        label=_("Reason"),
        max_length=MEDIUM,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_cpr],
        help_text=_(
            "Required if someone would be over-allocated or is not the attached pedagogist."
        ),
    )


class RejectForm(forms.Form):
    reason = TextField(
        label=_("Reason for the rejection"),
        max_length=MEDIUM,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr],
        error_messages={"required": _("Write why the request is rejected.")},
    )


class AskInfoForm(forms.Form):
    question = TextField(
        label=_("What do you need to know?"),
        max_length=MEDIUM,
        widget=forms.Textarea(attrs={"rows": 3}),
        validators=[validate_no_cpr],
        error_messages={"required": _("Write what you need to know.")},
    )


class WithdrawForm(forms.Form):
    reason = TextField(
        label=_("Reason (optional)"),
        max_length=MEDIUM,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        validators=[validate_no_cpr],
    )


class MeetingCancelForm(forms.Form):
    reason = TextField(
        label=_("Message to the participants (optional)"),
        required=False,
        max_length=LINE,
        validators=[validate_no_cpr_plain],
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MeetingForm(forms.Form):
    date = DayField(label=_("Date"), widget=DATE, validators=[validate_plausible_date])
    start = forms.TimeField(label=_("From"), widget=TIME)
    end = forms.TimeField(label=_("To"), widget=TIME)
    place = TextField(label=_("Place"), max_length=SHORT, validators=[validate_no_cpr_plain])
    participants = IdMultipleChoiceField(
        label=_("Participants"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one participant.")},
    )
    other_participants = TextField(
        label=_("Other participants"),
        required=False,
        max_length=300,
        validators=[validate_no_cpr_plain],
        help_text=_("For example staff from the group, without e-mail in the system."),
    )

    def __init__(self, *args, req: InterventionRequest, **kwargs):
        super().__init__(*args, **kwargs)
        # The institution's leaders and staff, the assigned and the attached pedagogists.
        people = (
            Q(role__in=[Role.LEADER, Role.STAFF], memberships__institution=req.institution)
            | Q(pedagogist__allocations__request=req)
            | Q(
                pedagogist__assignments__in=Assignment.objects.not_ended().filter(
                    institution=req.institution
                )
            )
        )
        participants = cast(forms.ModelMultipleChoiceField, self.fields["participants"])
        participants.queryset = (
            User.objects.filter(people, is_active=True).distinct().order_by("name")
        )
        participants.label_from_instance = lambda u: f"{u.name} ({u.get_role_display()})"  # type: ignore[method-assign,assignment]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        clean_meeting_times(self)
        # As evaluations: no meeting on a weekend or a public holiday (told beside the times'
        # own errors, so a time the clock change skips is named too).
        day = data.get("date")
        if day and "date" not in self.errors and not is_working_day(day):
            self.add_error("date", not_a_working_day(day))
        return data
