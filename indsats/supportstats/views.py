"""Støttestatistik: the year's applications, decisions, waits, re-visitations and granted hours
for the administration and the visitation role. Aggregates only (no child, no person), so the
page writes no access-log row."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from indsats import access
from indsats.supportstats import export
from indsats.supportstats.selectors import support_statistics, years_with_support
from indsats.supportstats.tables import shown, tables
from institutioner.inputs import whole_number

FIRST_YEAR = 2000


def _year(request) -> int:
    """The year asked for (?aar=2026), or this year; a bad one is said and this year shown."""
    this_year = timezone.localdate().year
    raw = request.GET.get("aar", "").strip()
    if not raw:
        return this_year
    year = whole_number(raw)
    if year is not None and FIRST_YEAR <= year <= this_year:
        return year
    messages.error(
        request,
        _("Choose a year from %(first)s to %(last)s. The page shows %(last)s instead.")
        % {"first": FIRST_YEAR, "last": this_year},
    )
    return this_year


@login_required
def support_statistics_page(request, fmt: str = ""):
    if not access.works_with_support(request.user):
        raise Http404
    if fmt not in ("", "csv", "xlsx"):
        raise Http404
    today = timezone.localdate()
    year = _year(request)
    stats = support_statistics(year=year, today=today)
    result = tables(stats)
    if fmt:
        name = f"stoettestatistik-{year}"
        if fmt == "xlsx":
            return export.tables_xlsx(name, result)
        return export.tables_csv(name, result)
    years = sorted({today.year, year, year - 1, *years_with_support()}, reverse=True)
    return render(
        request,
        "indsats/supportstats/statistics.html",
        {
            "year": year,
            "years": years,
            "stats": stats,
            "tables": [
                {
                    "table": table,
                    "rows": [[shown(v) for v in row] for row in table.rows],
                    "total": [shown(v) for v in table.total] if table.total else None,
                }
                for table in result
            ],
        },
    )
