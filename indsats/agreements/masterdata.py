"""What a change in Stamdata means for the agreements (institutioner/masterdata_checks.py):
a pedagogist's weekly hours cut below what is agreed, and opening hours narrowed past an
agreement's time of day. Said as warnings after the save; nothing is changed by itself."""

from datetime import timedelta
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indsats.agreements.content import Plan
from indsats.agreements.selectors import agreed_weeks
from indsats.models import AgreementVersion, VersionStatus
from institutioner import masterdata_checks
from institutioner.models import Institution, Pedagogist, format_decimal
from institutioner.workdays import monday_of

# How far ahead a cut in weekly hours is compared with what is agreed: half a year.
WEEKS_AHEAD = 26
# The agreements a warning names before it says "and N more".
NAMED = 5


def _hours_below_agreed(pedagogist, initial: dict, changed: list[str]) -> list[str]:
    if "weekly_hours" not in changed or pedagogist.pk is None:
        return []
    first = monday_of(timezone.localdate())
    mondays = [first + timedelta(weeks=i) for i in range(WEEKS_AHEAD)]
    agreed = agreed_weeks([pedagogist.pk], mondays).hours
    busiest = max(
        mondays,
        key=lambda monday: (agreed.get((pedagogist.pk, monday), Decimal(0)), -monday.toordinal()),
    )
    hours = agreed.get((pedagogist.pk, busiest), Decimal(0))
    if hours <= pedagogist.weekly_hours:
        return []
    return [
        _(
            "%(name)s has agreements of %(agreed)s hours a week in the week of %(monday)s, more "
            "than the %(hours)s weekly contracted hours now saved. The agreements are not "
            "changed by this; the dashboards show %(name)s as over-allocated."
        )
        % {
            "name": pedagogist.user.name,
            "agreed": format_decimal(hours.quantize(Decimal("0.01"))),
            "monday": date_format(busiest, "j. F Y"),
            "hours": format_decimal(pedagogist.weekly_hours),
        }
    ]


def _opening_hours_narrowed(institution, initial: dict, changed: list[str]) -> list[str]:
    if not {"opens_at", "closes_at"} & set(changed) or institution.pk is None:
        return []
    opens, closes = institution.opens_at, institution.closes_at
    today = timezone.localdate()
    versions = (
        AgreementVersion.objects.filter(
            agreement__request__institution=institution, agreement__ended_on__isnull=True
        )
        .filter(
            Q(status__in=[VersionStatus.DRAFT, VersionStatus.SENT])
            | Q(status=VersionStatus.IN_FORCE, ends_on__gte=today)
        )
        .select_related("agreement__request__group")
        .order_by("agreement__request__group__name", "pk")
    )
    outside = []
    for version in versions:
        plan = Plan.from_json(version.content)
        if plan.time_from and plan.time_to and (plan.time_from < opens or plan.time_to > closes):
            group = version.agreement.request.group
            outside.append(
                _("%(place)s %(start)s–%(end)s (request no. %(number)s, %(status)s)")
                % {
                    "number": version.agreement.request_id,
                    "place": group.name if group else _("the whole institution"),
                    "start": f"{plan.time_from:%H:%M}",
                    "end": f"{plan.time_to:%H:%M}",
                    "status": version.get_status_display().lower(),
                }
            )
    if not outside:
        return []
    named = ", ".join(outside[:NAMED])
    if len(outside) > NAMED:
        named += " " + _("and %(n)s more") % {"n": len(outside) - NAMED}
    return [
        ngettext(
            "%(n)s agreement of %(name)s has a time of day outside the opening hours now saved "
            "(%(opens)s–%(closes)s): %(named)s. It is not changed by this; adjust it if the "
            "practice days must move.",
            "%(n)s agreements of %(name)s have a time of day outside the opening hours now saved "
            "(%(opens)s–%(closes)s): %(named)s. They are not changed by this; adjust them if "
            "the practice days must move.",
            len(outside),
        )
        % {
            "n": len(outside),
            "name": institution.name,
            "opens": f"{opens:%H:%M}",
            "closes": f"{closes:%H:%M}",
            "named": named,
        }
    ]


masterdata_checks.register(Pedagogist, _hours_below_agreed)
masterdata_checks.register(Institution, _opening_hours_narrowed)
