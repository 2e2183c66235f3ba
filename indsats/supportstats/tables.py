"""The statistics as tables: the same rows for the page, the CSV and the Excel file.

A cell holds a number (int or Decimal), text, or None (nothing to say: a month not reached yet,
no waits to take a median of). The page writes numbers the Danish way (1.234,5); the files keep
them as numbers (export.py).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from indsats.models import GRANTING_OUTCOMES, SupportKind, SupportOutcome
from indsats.supportstats.selectors import ZERO, SupportStatistics, YearColumn

Cell = int | Decimal | str | None


@dataclass
class Table:
    key: str  # a name for the sheet and the page's anchor
    title: str
    header: list[str]
    rows: list[list[Cell]]
    note: str = ""
    total: list[Cell] | None = None  # a last row, set apart on the page

    @property
    def all_rows(self) -> list[list[Cell]]:
        return self.rows + ([self.total] if self.total else [])


def shown(value: Cell) -> str:
    """A cell on the page: Danish numbers, a dash for nothing."""
    if value is None:
        return "–"
    if isinstance(value, Decimal):
        return number_format(value, decimal_pos=1, use_l10n=True, force_grouping=True)
    if isinstance(value, int):
        return number_format(value, use_l10n=True, force_grouping=True)
    return str(value)


def _month_name(month: int) -> str:
    return date_format(date(2000, month, 1), "F").capitalize()


def _granted(column: YearColumn, counts: dict[str, int]) -> int:
    return sum(counts.get(o.value, 0) for o in GRANTING_OUTCOMES)


def tables(stats: SupportStatistics) -> list[Table]:
    cur, prev = stats.current, stats.previous
    y, p = cur.year, prev.year
    outcomes = list(SupportOutcome)
    result = []

    # Applications and decisions per month, the year before beside the year.
    header: list[str] = [
        pgettext("support statistics", "Month"),
        _("Applications %(year)s") % {"year": p},
        _("Applications %(year)s") % {"year": y},
        _("Decisions %(year)s") % {"year": p},
        _("Decisions %(year)s") % {"year": y},
    ] + [f"{o.label} {y}" for o in outcomes]
    rows: list[list[Cell]] = []
    prev_decided, cur_decided = prev.decisions_by_month_total, cur.decisions_by_month_total
    for i in range(12):
        month_row: list[Cell] = [
            _month_name(i + 1),
            prev.applications_by_month[i],
            cur.applications_by_month[i],
            prev_decided[i],
            cur_decided[i],
        ]
        month_row += [cur.decisions_by_month[o.value][i] for o in outcomes]
        rows.append(month_row)
    total: list[Cell] = [
        _("Total"),
        prev.applications,
        cur.applications,
        prev.decisions,
        cur.decisions,
    ]
    total += [cur.decisions_by_outcome[o.value] for o in outcomes]
    result.append(
        Table(
            "maaneder",
            _("Applications and decisions per month"),
            header,
            rows,
            note=_(
                "Applications by the month they were submitted; decisions by the month they "
                "were made."
            ),
            total=total,
        )
    )

    # Decisions by outcome.
    result.append(
        Table(
            "udfald",
            _("Decisions by outcome"),
            [pgettext("support statistics", "Outcome"), str(p), str(y)],
            [
                [
                    str(o.label),
                    prev.decisions_by_outcome[o.value],
                    cur.decisions_by_outcome[o.value],
                ]
                for o in outcomes
            ],
            total=[_("Total"), prev.decisions, cur.decisions],
        )
    )

    # By district.
    rows = []
    for district in stats.districts:
        a = prev.by_district.get(district.pk, {})
        b = cur.by_district.get(district.pk, {})
        rows.append(
            [
                district.name,
                a.get("applications", 0),
                b.get("applications", 0),
                a.get("decisions", 0),
                b.get("decisions", 0),
                _granted(cur, b),
                b.get(SupportOutcome.REJECTED, 0),
            ]
        )
    result.append(
        Table(
            "distrikter",
            _("By district"),
            [
                pgettext("support statistics", "District"),
                _("Applications %(year)s") % {"year": p},
                _("Applications %(year)s") % {"year": y},
                _("Decisions %(year)s") % {"year": p},
                _("Decisions %(year)s") % {"year": y},
                _("Granted %(year)s") % {"year": y},
                _("Rejected %(year)s") % {"year": y},
            ],
            rows,
            note=_(
                "The district of the applying institution. Granted counts granted, partly "
                "granted and extended."
            ),
        )
    )

    # By kind (support hours and the special places).
    rows = []
    for kind in SupportKind:
        rows.append(
            [
                str(kind.label),
                prev.applications_by_kind[kind.value],
                cur.applications_by_kind[kind.value],
                sum(prev.decisions_by_kind[kind.value].values()),
                sum(cur.decisions_by_kind[kind.value].values()),
                _granted(cur, cur.decisions_by_kind[kind.value]),
                cur.decisions_by_kind[kind.value][SupportOutcome.REJECTED],
            ]
        )
    result.append(
        Table(
            "typer",
            _("By kind"),
            [
                pgettext("support statistics", "Kind"),
                _("Applications %(year)s") % {"year": p},
                _("Applications %(year)s") % {"year": y},
                _("Decisions %(year)s") % {"year": p},
                _("Decisions %(year)s") % {"year": y},
                _("Granted %(year)s") % {"year": y},
                _("Rejected %(year)s") % {"year": y},
            ],
            rows,
        )
    )

    # Waiting time.
    assert prev.waiting and cur.waiting
    result.append(
        Table(
            "ventetid",
            _("Waiting time from submission to the first decision"),
            ["", str(p), str(y)],
            [
                [_("Applications decided"), prev.waiting.decided, cur.waiting.decided],
                [
                    _("Median (days)"),
                    prev.waiting.median_days,
                    cur.waiting.median_days,
                ],
                [
                    _("Average (days)"),
                    prev.waiting.average_days,
                    cur.waiting.average_days,
                ],
                [
                    _("Still waiting at the end of the year (this year: today)"),
                    prev.waiting.still_waiting,
                    cur.waiting.still_waiting,
                ],
            ],
            note=_(
                "Calendar days from the submission to the first decision (more information "
                "needed counts as a decision), for the applications first decided in the year. "
                "Still waiting: submitted by the year's end (or today) with no decision then."
            ),
        )
    )

    # Re-visitations.
    revisit_outcomes = [SupportOutcome.EXTENDED, SupportOutcome.ENDED]
    other = [o for o in outcomes if o not in revisit_outcomes]
    revisit_rows: list[list[Cell]] = [
        [str(o.label), prev.revisits[o.value], cur.revisits[o.value]] for o in revisit_outcomes
    ]
    revisit_rows.append(
        [
            _("Other decisions"),
            sum(prev.revisits[o.value] for o in other),
            sum(cur.revisits[o.value] for o in other),
        ]
    )
    result.append(
        Table(
            "genvisiteringer",
            _("Re-visitations"),
            [pgettext("support statistics", "Outcome"), str(p), str(y)],
            revisit_rows,
            note=_("Decisions on applications put on the agenda for re-visitation."),
            total=[_("Total"), sum(prev.revisits.values()), sum(cur.revisits.values())],
        )
    )

    # Granted hours a week in force at each month's end, per district.
    header = [pgettext("support statistics", "Month")]
    header += [f"{d.name} {y}" for d in stats.districts]
    header += [_("Total %(year)s") % {"year": p}, _("Total %(year)s") % {"year": y}]
    prev_total, cur_total = prev.granted_hours_total, cur.granted_hours_total
    rows = []
    for i in range(12):
        row: list[Cell] = [_month_name(i + 1)]
        for d in stats.districts:
            hours = cur.granted_hours.get(d.pk)
            row.append(None if cur.future_months[i] else (hours[i] if hours else ZERO))
        row += [prev_total[i], cur_total[i]]
        rows.append(row)
    result.append(
        Table(
            "timer",
            _("Granted support hours a week at the end of each month"),
            header,
            rows,
            note=_(
                "The hours a week of the decisions in force on the month's last day: the latest "
                "grant of each application whose period covers the day, until a new decision "
                "replaces or ends it."
            ),
        )
    )
    return result
