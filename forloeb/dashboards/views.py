"""Allocation dashboards: the administration sees the municipality, a leader their institutions."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_text
from django.utils.formats import date_format, get_format, number_format
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from forloeb import access
from forloeb import spreadsheet as export
from forloeb.dashboards import effect
from forloeb.dashboards import figures as dashboards
from forloeb.dashboards.forms import DashboardFilterForm, EffectFilterForm
from forloeb.hours import weeks as hours
from forloeb.hours.views import _period, _period_is_valid
from forloeb.models import Course, RatingArea
from indsats.models import RequestStatus
from institutioner import access as org_access
from institutioner.files.services import file_slug
from institutioner.inputs import whole_number
from institutioner.models import District, Institution, Pedagogist, User

INSTITUTIONS_PER_PAGE = 50
PEDAGOGISTS_PER_PAGE = 25


class _Hours:
    """Hours as the `hours` filter writes them (5,5 and 37, never 5,50), for the pages' many
    numbers: the same text as `format_decimal`, without Django's localisation machinery for
    each, and each value worked out once."""

    def __init__(self, separator: str):
        self.separator = separator
        self.texts: dict[Decimal, str] = {}

    def __call__(self, value: Decimal | None) -> str:
        if value is None:
            return ""
        # Decimal("5.5") and Decimal("5.50") are one key: both are written 5,5.
        text = self.texts.get(value)
        if text is None:
            if value == value.to_integral_value():
                plain = value.quantize(Decimal(1))
            else:
                plain = value.normalize()
            text = self.texts[value] = f"{plain:f}".replace(".", self.separator)
        return text


@dataclass(frozen=True)
class HeatRow:
    name: str
    details: str
    badges: list[str]
    cells_html: SafeString


def _heat_rows(rows: list[dashboards.PedagogistRow], minimum: str, separator: str) -> list[HeatRow]:
    """The heat map's rows: name, details, flags and the 25 week cells, every number already
    written as text (5,5 and 37). A page has 25 rows of 25 cells, and a template render of
    each cell (or even of the few hundred different ones) costs more than the rest of the page:
    the cells' markup is written here, from numbers and the texts below, escaped once."""
    # The numbers are digits, a sign and the separator: escaped once, in the separator.
    number = _Hours(str(escape(separator)))
    plain = _Hours(separator)  # for the details, which the template escapes
    agreed_label = escape(pgettext("heat map cell", "agreed"))
    logged_label = escape(pgettext("heat map cell", "logged"))
    # Translated outside the f-strings: xgettext 0.21 does not look inside them.
    over_label = escape(_("over-allocated"))
    over = f' <span aria-hidden="true">!</span><span class="visually-hidden">{over_label}</span>'
    cells: dict[tuple, str] = {}

    def cell(week: dashboards.PedagogistWeek) -> str:
        # The heat is one of a few fixed words, the texts were escaped above.
        key = (week.heat, week.agreed, week.over_allocated, week.logged)
        html = cells.get(key)
        if html is None:
            agreed = (
                f'<span class="visually-hidden">{agreed_label} </span>{number(week.agreed)}'
                if week.agreed
                else "–"
            )
            logged = (
                ""
                if week.logged is None
                else f'<div class="text-body-secondary"><span class="visually-hidden">'
                f"{logged_label} </span>{number(week.logged)}</div>"
            )
            html = cells[key] = (
                f'<td class="text-center small heat heat-{week.heat}">'
                f"{agreed}{over if week.over_allocated else ''}{logged}</td>"
            )
        return html

    return [
        HeatRow(
            name=row.pedagogist.user.name,
            details=_details(row, plain),
            badges=_badges(row, minimum),
            # Written in `cell` from escaped texts and numbers.
            cells_html=mark_safe("".join([cell(week) for week in row.weeks])),  # noqa: S308
        )
        for row in rows
    ]


def _details(row: dashboards.PedagogistRow, number: _Hours) -> str:
    details = _("%(hours)s contracted hours") % {"hours": number(row.pedagogist.weekly_hours)}
    if row.practice_share is not None:
        details += " · " + _("practice %(share)s %%") % {"share": row.practice_share}
    if absence := row.absence:
        details += " · " + _("absence %(hours)s hours") % {
            "hours": number(absence.quantize(Decimal("0.1")))
        }
    if row.cancelled_days:
        details += " · " + ngettext(
            "%(n)s practice day cancelled", "%(n)s practice days cancelled", row.cancelled_days
        ) % {"n": row.cancelled_days}
    if row.moved_days:
        details += " · " + ngettext(
            "%(n)s practice day moved", "%(n)s practice days moved", row.moved_days
        ) % {"n": row.moved_days}
    return details


def _badges(row: dashboards.PedagogistRow, minimum: str) -> list[str]:
    badges = []
    for flag in row.flags:
        if flag == "over_allocated":
            text = ngettext(
                "Over-allocated %(n)s week", "Over-allocated %(n)s weeks", row.over_weeks
            ) % {"n": row.over_weeks}
        elif flag == "practice_share":
            text = _("Practice under %(minimum)s %%") % {"minimum": minimum}
        else:
            text = ngettext(
                "Logged above contracted hours %(n)s week",
                "Logged above contracted hours %(n)s weeks",
                row.over_contracted_weeks,
            ) % {"n": row.over_contracted_weeks}
        badges.append(text)
    return badges


# Submitted, more information requested, accepted, rejected, withdrawn.
STATUS_COLOURS = ["#0b5ed7", "#b58105", "#198754", "#dc3545", "#6c757d"]
CHART_HEIGHT, BAR_WIDTH, BAR_GAP = 120, 26, 10


def _month_chart(table: list) -> dict:
    """Stacked bars of requests per month and status, drawn by the server as SVG. The table
    below the chart holds the same numbers for screen readers and copying."""
    top = max([sum(values) for _month, values in table] + [1])
    bars = []
    for index, (month, values) in enumerate(table):
        # Rounded by the running total, so the segments add up to the bar's height exactly.
        running, bottom, segments = 0, CHART_HEIGHT, []
        for value, colour in zip(values, STATUS_COLOURS, strict=True):
            running += value
            top_y = CHART_HEIGHT - round(CHART_HEIGHT * running / top)
            if bottom > top_y:
                segments.append({"y": top_y, "height": bottom - top_y, "colour": colour})
            bottom = top_y
        bars.append(
            {
                "x": index * (BAR_WIDTH + BAR_GAP),
                "middle": index * (BAR_WIDTH + BAR_GAP) + BAR_WIDTH // 2,
                "segments": segments,
                "month": month,
                "total": sum(values),
            }
        )
    # The shapes written here, not by the template's loops: sixty rectangles and their numbers
    # cost the template 2 ms of the page.
    shapes = mark_safe(  # noqa: S308 - every value is escaped by format_html
        "".join(
            "".join(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" />',
                    bar["x"],
                    segment["y"],
                    BAR_WIDTH,
                    segment["height"],
                    segment["colour"],
                )
                for segment in bar["segments"]
            )
            + format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="10">{}</text>',
                bar["middle"],
                CHART_HEIGHT + 14,
                date_text(bar["month"], "b"),
            )
            for bar in bars
        )
    )
    return {
        "bars": bars,
        "shapes": shapes,
        "width": max(len(table), 1) * (BAR_WIDTH + BAR_GAP),
        "height": CHART_HEIGHT,
        "bar_width": BAR_WIDTH,
        "label_y": CHART_HEIGHT + 14,
        "full_height": CHART_HEIGHT + 20,
        "top": top,
    }


def _finished_weeks() -> tuple[date, date]:
    """The default period of the district and institution pages: the eight whole weeks before
    this one (this week's hours are not in yet)."""
    this_monday = hours.this_monday()
    return this_monday - timedelta(weeks=8), this_monday - timedelta(days=1)


def _matching(form: DashboardFilterForm, rows: list[tuple[int, str, int]]) -> list[int] | None:
    """The ids of the rows (id, name, district id) that the district and name filters choose,
    or None when neither is set. Names are compared case-folded in Python, so "æble" finds
    "Æblehaven" on SQLite too."""
    district, search = form.value("distrikt"), (form.value("soeg") or "").casefold()
    if district is None and not search:
        return None
    return [
        pk
        for pk, name, district_id in rows
        if (district is None or district_id == district) and search in name.casefold()
    ]


def _page(items: list, request, per_page: int):
    """A page of the items; a page number that is not a number or below 1 gives the first, one
    beyond the last gives the last."""
    number = whole_number(request.GET.get("side")) or 1
    return Paginator(items, per_page).get_page(number)


def _file_part(form: DashboardFilterForm) -> str:
    """The chosen district in an export's file name, so two districts' files differ."""
    district = form.value("distrikt")
    label = dict(form.fields["distrikt"].choices).get(district, "") if district else ""  # type: ignore[attr-defined]
    return f"-{file_slug(label)}" if label else ""


def _page_query(request) -> str:
    """The filters without the page number, for the paging links."""
    query = request.GET.copy()
    query.pop("side", None)
    return query.urlencode()


def _bad_filters_redirect(request, name: str, form):
    """An export is made only from good filters; the page then shows what is wrong."""
    if _period_is_valid(form):
        messages.error(request, _("Choose the filters again: the export was not made."))
    else:
        messages.error(request, _("Choose a valid period: the export was not made."))
    return redirect(f"{reverse(name)}?{request.GET.urlencode()}")


def _district_table(rows, total) -> tuple[list[str], list[list]]:
    header = [
        pgettext("dashboard", "District"),
        pgettext("dashboard", "Institutions"),
        pgettext("dashboard", "Pedagogists"),
        pgettext("dashboard", "Capacity (hours a week)"),
        pgettext("dashboard", "Agreed (hours a week)"),
        pgettext("dashboard", "Logged (hours a week)"),
        pgettext("dashboard", "Agreed, per cent of capacity"),
        pgettext("dashboard", "Logged, per cent of capacity"),
        pgettext("dashboard", "Granted support hours a week (today)"),
    ]
    body = [
        [
            row.district.name,
            row.institutions,
            row.pedagogists,
            row.capacity,
            row.agreed,
            row.logged,
            row.agreed_share,
            row.utilisation,
            row.granted_support,
        ]
        for row in rows
    ]
    body.append(
        [
            pgettext("dashboard", "Total"),
            total["institutions"],
            None,
            total["capacity"],
            total["agreed"],
            total["logged"],
            total["agreed_share"],
            total["utilisation"],
            total["granted_support"],
        ]
    )
    return header, body


@login_required
def dashboard_districts(request, fmt: str = ""):
    """Capacity, agreed and logged hours a week per district, for a period of whole weeks."""
    institutions = access.dashboard_institutions_for(request.user)
    if fmt not in ("", "csv", "xlsx"):
        raise Http404
    form, start, end = _period(
        request, DashboardFilterForm, default=_finished_weeks(), districts=None
    )
    if fmt and form.is_bound and form.errors:
        return _bad_filters_redirect(request, "dashboard_districts", form)
    mondays = hours.weeks_between(start, end)
    rows = dashboards.by_district(
        institutions=institutions, mondays=mondays, support_on=timezone.localdate()
    )
    total = dashboards.totals(rows)
    if fmt:
        header, body = _district_table(rows, total)
        name = f"fordeling-distrikter-{mondays[0]:%Y-%m-%d}-{mondays[-1]:%Y-%m-%d}"
        return export.table_response(fmt, name, pgettext("dashboard", "Districts"), header, body)
    scale = max(
        [r.capacity for r in rows] + [r.agreed for r in rows] + [r.logged for r in rows] + [1]
    )
    bars = [
        {
            "row": row,
            "widths": [
                int(200 * value / scale) for value in (row.capacity, row.agreed, row.logged)
            ],
        }
        for row in rows
    ]
    return render(
        request,
        "forloeb/dashboards/districts.html",
        {
            "form": form,
            "bars": bars,
            "total": total,
            "weeks": len(mondays),
            "first": mondays[0],
            "last": mondays[-1],
            "last_sunday": mondays[-1] + timedelta(days=6),
            "own_institutions_only": access.dashboards_own_institutions_only(request.user),
            "can_see_pedagogist_dashboard": access.can_see_pedagogist_dashboard(request.user),
            "can_make_year_reports": access.can_make_year_reports(request.user),
        },
    )


@login_required
def dashboard_pedagogists(request, fmt: str = ""):
    """Each pedagogist's past and next 12 weeks: contracted, agreed and logged hours as a heat
    map, with over-allocation, practice share and the week sheet's norms flagged. The
    administration's: a pedagogist's whole week is not a leader's to see."""
    if not access.can_see_pedagogist_dashboard(request.user):
        raise Http404
    if fmt not in ("", "csv", "xlsx"):
        raise Http404
    today = timezone.localdate()
    this_monday = hours.this_monday()
    mondays = [this_monday + timedelta(weeks=n) for n in range(-12, 13)]
    districts = list(District.objects.order_by("name").values_list("pk", "name"))
    form = DashboardFilterForm(
        request.GET or None, districts=districts, search_label=_("Pedagogist"), period=False
    )
    if fmt and form.is_bound and not form.is_valid():
        return _bad_filters_redirect(request, "dashboard_pedagogists", form)
    people = org_access.pedagogists_for(request.user).order_by("user__name", "pk")
    if district := form.value("distrikt"):
        # Attached to an institution of the district at some time in the 25 weeks.
        people = people.filter(
            Q(assignments__valid_to__isnull=True) | Q(assignments__valid_to__gte=mondays[0]),
            assignments__institution__district_id=district,
            assignments__valid_from__lte=mondays[-1] + timedelta(days=6),
        ).distinct()
    # All are read as rows, to search and page in Python, and only the shown ones made into
    # objects (`_pedagogists`), with their cancelled and moved practice days (one query).
    changed = dashboards.changed_days_by_pedagogist(mondays)
    chosen = [
        (*row, *changed.get(row[0], (0, 0)))
        for row in people.values_list("pk", "user__name", "weekly_hours", "user_id")
    ]
    if search := (form.value("soeg") or "").casefold():
        chosen = [row for row in chosen if search in row[1].casefold()]
    page = None
    if not fmt:
        page = _page(chosen, request, PEDAGOGISTS_PER_PAGE)
        chosen = list(page.object_list)
    rows = dashboards.by_pedagogist(
        pedagogists=_pedagogists(chosen, people.db), mondays=mondays, today=today
    )
    minimum = str(settings.HOURS_PRACTICE_SHARE_MIN_PERCENT)
    if fmt:
        header = [
            pgettext("dashboard", "Pedagogist"),
            pgettext("dashboard", "Year"),
            pgettext("dashboard", "Week"),
            pgettext("dashboard", "Contracted hours"),
            pgettext("dashboard", "Planned absence (hours)"),
            pgettext("dashboard", "Agreed hours"),
            pgettext("dashboard", "Preparation (norm)"),
            pgettext("dashboard", "Logged hours"),
            pgettext("dashboard", "Over-allocated"),
            pgettext("dashboard", "Practice days cancelled, the 25 weeks"),
            pgettext("dashboard", "Practice days moved, the 25 weeks"),
        ]
        body = []
        for row in rows:
            for week in row.weeks:
                year, number, _day = week.monday.isocalendar()
                body.append(
                    [
                        row.pedagogist.user.name,
                        year,
                        number,
                        week.capacity,
                        week.absence.quantize(Decimal("0.01")),
                        week.agreed,
                        week.demand - week.agreed,
                        week.logged,
                        _("yes") if week.over_allocated else _("no"),
                        row.cancelled_days,
                        row.moved_days,
                    ]
                )
        name = f"fordeling-paedagoger{_file_part(form)}-{mondays[0]:%Y-%m-%d}"
        return export.table_response(fmt, name, pgettext("dashboard", "Pedagogists"), header, body)
    return render(
        request,
        "forloeb/dashboards/pedagogists.html",
        {
            "form": form,
            "rows": rows,
            "table": _heat_rows(rows, minimum, get_format("DECIMAL_SEPARATOR")),
            "page": page,
            "page_total": ngettext(
                "%(n)s pedagogist in all", "%(n)s pedagogists in all", page.paginator.count
            )
            % {"n": page.paginator.count}
            if page
            else "",
            "page_query": _page_query(request),
            "can_see_pedagogist_dashboard": access.can_see_pedagogist_dashboard(request.user),
            "can_make_year_reports": access.can_make_year_reports(request.user),
            # Labels made once here rather than 25 translated dates in the template.
            "mondays": [
                (
                    m.isocalendar()[1],
                    m == this_monday,
                    _("Week of %(day)s") % {"day": date_format(m, "j. F Y")},
                )
                for m in mondays
            ],
            "minimum": settings.HOURS_PRACTICE_SHARE_MIN_PERCENT,
        },
    )


def _pedagogists(rows, db: str) -> list[Pedagogist]:
    """The pedagogists of the listing's rows (pk, name, weekly hours, user id, cancelled and
    moved days) with their users' names, made as Django makes them from a query (the other
    fields are deferred)."""
    people = []
    for pk, name, weekly_hours, user_id, cancelled_days, moved_days in rows:
        person = Pedagogist.from_db(
            db, ["id", "user_id", "weekly_hours"], [pk, user_id, weekly_hours]
        )
        person.user = User.from_db(db, ["id", "name"], [user_id, name])
        person.cancelled_days, person.moved_days = cancelled_days, moved_days  # type: ignore[attr-defined]
        people.append(person)
    return people


@login_required
def dashboard_institutions(request, fmt: str = ""):
    """Per institution: courses, hours received against agreed, different pedagogists in 24
    months and repeated interventions in a group within 12 months; filtered by district and
    name, 50 to a page (the exports hold every institution the filters choose)."""
    scope = access.dashboard_institutions_for(request.user)
    if fmt not in ("", "csv", "xlsx"):
        raise Http404
    # (pk, name, district id, district name): all are read to filter and page in Python, and
    # only the shown ones made into objects (`_institutions`).
    listing = list(
        scope.order_by("district__name", "name").values_list(
            "pk", "name", "district_id", "district__name"
        )
    )
    districts = sorted({(row[2], row[3]) for row in listing}, key=lambda d: d[1])
    period_form, start, end = _period(
        request,
        DashboardFilterForm,
        default=_finished_weeks(),
        districts=districts,
        search_label=_("Institution"),
    )
    form = cast(DashboardFilterForm, period_form)
    if fmt and form.is_bound and form.errors:
        return _bad_filters_redirect(request, "dashboard_institutions", form)
    ids = _matching(form, [row[:3] for row in listing])
    if ids is not None:
        wanted = set(ids)
        listing = [row for row in listing if row[0] in wanted]
    mondays = hours.weeks_between(start, end)
    today = timezone.localdate()
    if fmt:
        rows = dashboards.by_institution(
            institutions=_institutions(listing, scope.db),
            mondays=mondays,
            today=today,
            support_on=today,
        )
        header = [
            pgettext("dashboard", "District"),
            pgettext("dashboard", "Institution"),
            pgettext("dashboard", "Open courses"),
            pgettext("dashboard", "Courses in all"),
            pgettext("dashboard", "Agreed (hours a week)"),
            pgettext("dashboard", "Received (hours a week)"),
            pgettext("dashboard", "Received, per cent of agreed"),
            pgettext("dashboard", "Different pedagogists, 24 months"),
            pgettext("dashboard", "Repeats in a group within 12 months"),
            pgettext("dashboard", "Practice days cancelled"),
            pgettext("dashboard", "Practice days moved"),
            pgettext("dashboard", "Granted support hours a week (today)"),
        ]
        body = [
            [
                row.institution.district.name,
                row.institution.name,
                row.open_courses,
                row.courses,
                row.agreed,
                row.received,
                row.received_share,
                row.pedagogists_24_months,
                row.repeats_12_months,
                row.cancelled_days,
                row.moved_days,
                row.granted_support,
            ]
            for row in rows
        ]
        period = f"{mondays[0]:%Y-%m-%d}-{mondays[-1]:%Y-%m-%d}"
        name = f"fordeling-institutioner{_file_part(form)}-{period}"
        return export.table_response(fmt, name, pgettext("dashboard", "Institutions"), header, body)
    page = _page(listing, request, INSTITUTIONS_PER_PAGE)
    rows = dashboards.by_institution(
        institutions=_institutions(page.object_list, scope.db),
        mondays=mondays,
        today=today,
        support_on=today,
    )
    return render(
        request,
        "forloeb/dashboards/institutions.html",
        {
            "form": form,
            "rows": rows,
            "table": _institution_rows(rows, get_format("DECIMAL_SEPARATOR")),
            "page": page,
            "page_total": ngettext(
                "%(n)s institution in all", "%(n)s institutions in all", page.paginator.count
            )
            % {"n": page.paginator.count},
            "weeks": len(mondays),
            "first": mondays[0],
            "last": mondays[-1],
            "page_query": _page_query(request),
            "own_institutions_only": access.dashboards_own_institutions_only(request.user),
            "can_see_pedagogist_dashboard": access.can_see_pedagogist_dashboard(request.user),
            "can_make_year_reports": access.can_make_year_reports(request.user),
        },
    )


def _institutions(rows, db: str) -> list[Institution]:
    """The institutions of the listing's rows (pk, name, district id, district name), with
    their districts, made from the rows as Django makes them from a query (the other fields
    are deferred): reading all 400 as objects, with a district each, to show 50 took a tenth
    of the page's time."""
    districts: dict[int, District] = {}
    institutions = []
    for pk, name, district_id, district_name in rows:
        district = districts.get(district_id)
        if district is None:
            district = districts[district_id] = District.from_db(
                db, ["id", "name"], [district_id, district_name]
            )
        institution = Institution.from_db(
            db, ["id", "name", "district_id"], [pk, name, district_id]
        )
        institution.district = district
        institutions.append(institution)
    return institutions


def _institution_rows(rows: list[dashboards.InstitutionRow], separator: str) -> SafeString:
    """The table's rows, written here rather than in the template: 50 rows of 11 cells, each
    through the `hours` filter, `{% url %}`, Django's number localisation and autoescaping,
    cost more than the figures behind them. Names are escaped, the numbers are digits and the
    separator (escaped once)."""
    number = _Hours(str(escape(separator)))
    # Translated outside the f-strings: xgettext 0.21 does not look inside them.
    many_label = escape(_("many changes"))
    many = f' <span class="badge text-bg-warning">{many_label}</span>'
    # The detail page's address for one pk, the others by replacing it (an <int:pk> path).
    placeholder = "987654321"
    link = str(escape(reverse("institution_detail", args=[placeholder])))
    html = []
    for row in rows:
        institution, share, repeats = row.institution, row.received_share, row.repeats_12_months
        repeat_label = escape(ngettext("repeat", "repeats", repeats)) if repeats else ""
        badge = f' <span class="badge text-bg-warning">{repeat_label}</span>' if repeats else ""
        html.append(
            "<tr>"
            f'<th scope="row"><a href="{link.replace(placeholder, str(institution.pk))}">'
            f"{escape(institution.name)}</a></th>"
            f"<td>{escape(institution.district.name)}</td>"
            f'<td class="text-end">{row.open_courses}</td>'
            f'<td class="text-end">{row.courses}</td>'
            f'<td class="text-end">{number(row.agreed)}</td>'
            f'<td class="text-end">{number(row.received)}</td>'
            f'<td class="text-end">{"–" if share is None else f"{share} %"}</td>'
            f'<td class="text-end">{row.pedagogists_24_months}'
            f"{many if row.pedagogists_24_months > 2 else ''}</td>"
            f'<td class="text-end">{repeats}{badge}</td>'
            f'<td class="text-end">{row.cancelled_days} / {row.moved_days}</td>'
            f'<td class="text-end">{number(row.granted_support)}</td>'
            "</tr>"
        )
    return mark_safe("".join(html))  # noqa: S308 (escaped above)


@login_required
def dashboard_flow(request, fmt: str = ""):
    """Requests per month by status, waiting times to an agreement in force, the waiting list
    and the rejections with their reasons, for a period (the last 12 months by default)."""
    scope = access.dashboard_institutions_for(request.user)
    if fmt not in ("", "csv", "xlsx"):
        raise Http404
    today = timezone.localdate()
    # The last 12 months: this month and the 11 before it.
    months_back = today.year * 12 + today.month - 1 - 11
    default_start = date(months_back // 12, months_back % 12 + 1, 1)
    listing = list(scope.values_list("pk", "name", "district_id", "district__name"))
    period_form, start, end = _period(
        request,
        DashboardFilterForm,
        default=(default_start, today),
        fallback=_("The page shows the last 12 months instead."),
        districts=sorted({(row[2], row[3]) for row in listing}, key=lambda d: d[1]),
        search_label=_("Institution"),
    )
    form = cast(DashboardFilterForm, period_form)
    if fmt and form.is_bound and form.errors:
        return _bad_filters_redirect(request, "dashboard_flow", form)
    institutions = scope
    chosen = _matching(form, [(pk, name, district) for pk, name, district, _d in listing])
    if chosen is not None:
        institutions = scope.filter(pk__in=chosen)
    result = dashboards.flow(institutions=institutions, first=start, last=end)
    statuses = [
        RequestStatus.SUBMITTED,
        RequestStatus.NEEDS_INFO,
        RequestStatus.ACCEPTED,
        RequestStatus.REJECTED,
        RequestStatus.WITHDRAWN,
    ]
    table = [(month, [counts.get(s, 0) for s in statuses]) for month, counts in result.months]
    if fmt:
        header = [pgettext("dashboard", "Month")] + [str(s.label) for s in statuses]
        body = [[f"{month:%Y-%m}", *values] for month, values in table]
        name = f"fordeling-anmodninger{_file_part(form)}-{start:%Y-%m-%d}-{end:%Y-%m-%d}"
        return export.table_response(fmt, name, pgettext("dashboard", "Requests"), header, body)
    return render(
        request,
        "forloeb/dashboards/flow.html",
        {
            "form": form,
            "flow": result,
            "statuses": statuses,
            "table": table,
            "chart": _month_chart(table),
            "rejections_shown": dashboards.REJECTIONS_SHOWN,
            "no_match": chosen == [],
            "legend": list(zip(statuses, STATUS_COLOURS, strict=True)),
            "own_institutions_only": access.dashboards_own_institutions_only(request.user),
            "can_see_pedagogist_dashboard": access.can_see_pedagogist_dashboard(request.user),
            "can_make_year_reports": access.can_make_year_reports(request.user),
        },
    )


def _number(value) -> str:
    return "" if value is None else str(value)


def _effect_table(rows, total) -> tuple[list[str], list[list]]:
    header = [
        _("Courses"),
        _("Goals assessed"),
        _("Goal attainment (1-4)"),
        _("Goals reached %"),
        _("Answers"),
        *[str(area.label) + " (1-5)" for area in RatingArea],
        _("Staff meeting hours"),
        _("Practice hours received"),
        _("Meeting hours per 10 practice hours"),
        _("Follow-ups"),
        _("Follow-ups answered"),
        _("Goals still in use %"),
    ]
    body = [
        [
            row.label,
            row.courses,
            row.goals,
            row.attainment,
            row.reached_percent,
            row.ratings,
            *row.area_means,
            row.meeting_hours,
            row.practice_hours,
            row.meeting_per_10_practice,
            row.follow_ups,
            row.follow_ups_answered,
            row.in_use_percent,
        ]
        for row in [*rows, total]
    ]
    return header, body


@dataclass(frozen=True)
class EffectLine:
    """One row of the effect table with its numbers written as the page shows them (3,33, a
    dash for none): a grouping by institution has hundreds of rows, and the template only
    places the texts."""

    label: str
    courses: str
    attainment: str
    attainment_bar: int
    reached: str
    ratings: str
    rating_mean: str
    rating_bar: int
    areas: list[str]
    meeting_hours: str
    practice_hours: str
    meeting_per_10_practice: str
    follow_ups_answered: str
    follow_ups: str
    in_use: str

    @property
    def labelled_areas(self) -> list[tuple[str, str]]:
        """Each area's name beside its mean: a phone's card names every figure."""
        return list(zip([str(area.label) for area in RatingArea], self.areas, strict=True))


def _effect_lines(rows: list[effect.EffectRow]) -> list[EffectLine]:
    text = _number_text()
    return [
        EffectLine(
            label=row.label,
            courses=str(row.courses),
            attainment=text(row.attainment),
            attainment_bar=_bar(row.attainment, 4),
            reached=text(row.reached_percent),
            ratings=str(row.ratings),
            rating_mean=text(row.rating_mean),
            rating_bar=_bar(row.rating_mean, 5),
            areas=[text(mean) for mean in row.area_means],
            meeting_hours=text(row.meeting_hours),
            practice_hours=text(row.practice_hours),
            meeting_per_10_practice=text(row.meeting_per_10_practice),
            follow_ups_answered=str(row.follow_ups_answered),
            follow_ups=str(row.follow_ups),
            in_use=text(row.in_use_percent),
        )
        for row in rows
    ]


def _number_text():
    """A number as `|localize` writes it in the person's language (a dash for none), without
    asking for the language at each number."""
    if settings.USE_THOUSAND_SEPARATOR:
        return lambda value: "–" if value is None else number_format(value)
    comma = get_format("DECIMAL_SEPARATOR")

    def text(value) -> str:
        if value is None:
            return "–"
        if isinstance(value, Decimal):
            return f"{value:f}".replace(".", comma)
        return str(value)

    return text


@login_required
def dashboard_effect(request, fmt: str = ""):
    """What the interventions give: goal attainment and the leaders' ratings by a chosen
    grouping and by year, meeting time against practice hours, and the follow-ups."""
    scope = access.dashboard_institutions_for(request.user)
    if fmt not in ("", "csv", "xlsx"):
        raise Http404
    districts = sorted(set(scope.values_list("district_id", "district__name")), key=lambda d: d[1])
    form = EffectFilterForm(
        request.GET or None, districts=districts, period=False, dimensions=effect.DIMENSIONS
    )
    if fmt and form.is_bound and form.errors:
        return _bad_filters_redirect(request, "dashboard_effect", form)
    dimension = form.value("efter") or "district"
    district = form.value("distrikt")
    courses = Course.objects.filter(agreement__request__institution__in=scope)
    if district:
        courses = courses.filter(agreement__request__institution__district_id=district)
    # Everyone's facts (cached), then those of the person's scope and district.
    every, computed_at = effect.all_course_facts()
    facts = effect.in_scope(every, courses)
    rows, total = effect.by_dimension(facts, dimension)
    years = effect.by_year(facts)
    label = str(effect.DIMENSIONS[dimension])
    if fmt:
        header, body = _effect_table(rows, total)
        name = f"effekt-{file_slug(label)}{_file_part(form)}"
        return export.table_response(
            fmt, name, pgettext("dashboard", "Effect"), [label, *header], body
        )
    return render(
        request,
        "forloeb/dashboards/effect.html",
        {
            "form": form,
            "total": total,
            "lines": _effect_lines(rows),
            "total_line": _effect_lines([total])[0],
            "year_lines": _effect_lines(years),
            "dimension_label": label,
            "computed_at": computed_at,
            "refresh_minutes": (
                max(1, round(settings.EFFECT_CACHE_SECONDS / 60))
                if settings.EFFECT_CACHE_SECONDS > 0
                else None
            ),
            "areas": [area.label for area in RatingArea],
            "own_institutions_only": access.dashboards_own_institutions_only(request.user),
            "can_see_pedagogist_dashboard": access.can_see_pedagogist_dashboard(request.user),
            "can_make_year_reports": access.can_make_year_reports(request.user),
        },
    )


def _bar(value, top) -> int:
    """A bar's width in pixels (of 120) for a mean on a scale up to `top`."""
    return 0 if value is None else int(120 * value / top)
