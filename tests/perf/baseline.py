"""The benchmark's baseline: minimal views that compute each dashboard page's numbers with the
best SQL we could write by hand (PostgreSQL), and answer them as JSON, or with `as=page` as the
page itself (the same template and layout, `_baseline`). The benchmark checks that they give
the same numbers as the pages, and the same HTML, then times them.

The rules are the dashboards' (forloeb/dashboards.py), written once more in SQL:
- a week is counted by its Monday; a period touches a week when it starts by its Sunday and
  ends on or after its Monday;
- a signed version counts from its start (version 1) or from the Monday of the week it came into
  force, until the Sunday before the week it was replaced, and at the latest until the Sunday of
  the week its agreement ended (its course was closed);
- reported hours are those of submitted and approved week sheets;
- planned absence (forloeb/plan) counts each working day (no weekend, no Danish holiday) an
  active absence covers, each repetition's days once: a fifth of the contracted week, or the
  part of the day at most that, and a day at most a fifth however many parts of it are away; a
  district's capacity is less each attached pedagogist's absence by her share;
- the support hours a week granted (kompenserende støtte) on a day: per application, of the
  decisions made by the end of that day, the latest that has a say on the day (a grant whose
  period covers it, or an ending that has taken effect by then); a grant that is the latest
  counts its hours;
- the cancelled and moved practice days are the accepted one-off changes (forloeb/plan) whose
  day falls in the period, of the institution's courses or of those the pedagogist is on.
"""

from datetime import date, time, timedelta
from decimal import Decimal
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import path

from config.urls import urlpatterns as project_urlpatterns
from institutioner import workdays

TZ = "Europe/Copenhagen"

WEEKS = """
weeks AS (
    SELECT generate_series(%(first)s::date, %(last_monday)s::date, interval '7 days')::date
        AS monday
)"""

VERSIONS = """
versions AS (
    SELECT r.id AS request_id, r.institution_id, v.hours_per_week,
        CASE WHEN v.number = 1 THEN v.starts_on
             ELSE GREATEST(v.starts_on, date_trunc('week', v.in_force_at AT TIME ZONE %(tz)s)::date)
        END AS begin_on,
        LEAST(
            CASE WHEN v.superseded_at IS NULL THEN v.ends_on
                 ELSE LEAST(v.ends_on,
                            date_trunc('week', v.superseded_at AT TIME ZONE %(tz)s)::date - 1)
            END,
            date_trunc('week', ag.ended_on)::date + 6
        ) AS end_on
    FROM indsats_agreementversion v
    JOIN indsats_agreement ag ON ag.id = v.agreement_id
    JOIN indsats_interventionrequest r ON r.id = ag.request_id
    WHERE v.status IN ('in_force', 'superseded')
      AND v.starts_on <= %(last_monday)s::date + 6 AND v.ends_on >= %(first)s
      {where}
)"""

ABSENCE = """
absence AS (
    SELECT y.pedagogist_id, date_trunc('week', y.day)::date AS monday, SUM(y.hours) AS hours
    FROM (
    SELECT x.pedagogist_id, x.day, LEAST(SUM(x.hours), MIN(x.fifth)) AS hours
    FROM (
        SELECT DISTINCT a.id, a.pedagogist_id, d.day::date AS day, p.weekly_hours / 5 AS fifth,
            CASE WHEN a.time_from IS NOT NULL
                 THEN LEAST(p.weekly_hours / 5,
                            EXTRACT(EPOCH FROM a.time_to - a.time_from)::numeric / 3600)
                 ELSE p.weekly_hours / 5
            END AS hours
        FROM forloeb_absence a
        JOIN institutioner_pedagogist p ON p.id = a.pedagogist_id
        CROSS JOIN LATERAL (
            SELECT CASE a.repeat WHEN 'weekly' THEN 7 WHEN 'fortnightly' THEN 14 END AS step
        ) s
        CROSS JOIN LATERAL generate_series(
            0, COALESCE((a.repeat_until - a.starts_on) / s.step, 0)) AS k(n)
        CROSS JOIN LATERAL generate_series(
            a.starts_on + k.n * COALESCE(s.step, 0),
            a.ends_on + k.n * COALESCE(s.step, 0),
            interval '1 day') AS d(day)
        WHERE a.cancelled_at IS NULL {where}
          AND a.starts_on <= %(last_monday)s::date + 6
          AND COALESCE(a.repeat_until, a.ends_on) + (a.ends_on - a.starts_on) >= %(first)s
          AND d.day BETWEEN %(first)s AND %(last_monday)s::date + 6
          AND EXTRACT(ISODOW FROM d.day) < 6
          AND NOT d.day::date = ANY(%(holidays)s)
    ) x
    GROUP BY x.pedagogist_id, x.day
    ) y
    GROUP BY 1, 2
)"""

SUPPORT = """
support AS (
    SELECT institution_id, SUM(hours_per_week) AS hours
    FROM (
        SELECT a.institution_id, d.outcome, d.hours_per_week,
               ROW_NUMBER() OVER (PARTITION BY d.application_id
                                  ORDER BY d.decided_at DESC, d.id DESC) AS latest
        FROM indsats_supportdecision d
        JOIN indsats_supportapplication a ON a.id = d.application_id
        WHERE d.decided_at < %(end_of_day)s {where}
          AND (d.outcome IN ('granted', 'partly_granted', 'extended')
                   AND d.period_start <= %(day)s AND d.period_end >= %(day)s
               OR d.outcome = 'ended' AND (d.period_end IS NULL OR d.period_end < %(day)s))
    ) x
    WHERE latest = 1 AND outcome <> 'ended' AND hours_per_week IS NOT NULL
    GROUP BY institution_id
)"""

DISTRICTS = f"""
WITH {WEEKS}, {VERSIONS.format(where="")}, {ABSENCE.format(where="")}, {SUPPORT.format(where="")},
agreed AS (
    SELECT i.district_id, SUM(v.hours_per_week) AS hours
    FROM versions v
    JOIN institutioner_institution i ON i.id = v.institution_id
    JOIN weeks w ON v.begin_on <= w.monday + 6 AND v.end_on >= w.monday
    GROUP BY i.district_id
),
capacity AS (
    SELECT i.district_id,
           SUM((p.weekly_hours - COALESCE(ab.hours, 0)) * a.share / 100) AS hours
    FROM institutioner_assignment a
    JOIN institutioner_institution i ON i.id = a.institution_id
    JOIN institutioner_pedagogist p ON p.id = a.pedagogist_id
    JOIN weeks w ON a.valid_from <= w.monday + 6
                AND (a.valid_to IS NULL OR a.valid_to >= w.monday)
    LEFT JOIN absence ab ON ab.pedagogist_id = a.pedagogist_id AND ab.monday = w.monday
    GROUP BY i.district_id
),
pedagogists AS (
    SELECT i.district_id, COUNT(DISTINCT a.pedagogist_id) AS n
    FROM institutioner_assignment a
    JOIN institutioner_institution i ON i.id = a.institution_id
    WHERE a.valid_from <= %(last_monday)s::date + 6
      AND (a.valid_to IS NULL OR a.valid_to >= %(first)s)
    GROUP BY i.district_id
),
logged AS (
    SELECT i.district_id, SUM(h.hours) AS hours
    FROM forloeb_weeksheet s
    JOIN forloeb_hourentry h ON h.sheet_id = s.id
    JOIN forloeb_course c ON c.id = h.course_id
    JOIN indsats_agreement ag ON ag.id = c.agreement_id
    JOIN indsats_interventionrequest r ON r.id = ag.request_id
    JOIN institutioner_institution i ON i.id = r.institution_id
    WHERE s.status IN ('submitted', 'approved')
      AND s.week_start BETWEEN %(first)s AND %(last_monday)s
    GROUP BY i.district_id
),
institutions AS (
    SELECT district_id, COUNT(*) AS n FROM institutioner_institution GROUP BY district_id
),
granted AS (
    SELECT i.district_id, SUM(su.hours) AS hours
    FROM support su JOIN institutioner_institution i ON i.id = su.institution_id
    GROUP BY i.district_id
)
SELECT d.name, n.n, COALESCE(p.n, 0),
       ROUND(COALESCE(c.hours, 0) / %(weeks)s, 2),
       ROUND(COALESCE(a.hours, 0) / %(weeks)s, 2),
       ROUND(COALESCE(l.hours, 0) / %(weeks)s, 2),
       COALESCE(g.hours, 0)
FROM institutioner_district d
JOIN institutions n ON n.district_id = d.id
LEFT JOIN granted g ON g.district_id = d.id
LEFT JOIN pedagogists p ON p.district_id = d.id
LEFT JOIN capacity c ON c.district_id = d.id
LEFT JOIN agreed a ON a.district_id = d.id
LEFT JOIN logged l ON l.district_id = d.id
ORDER BY d.name
"""

# The accepted one-off changes whose day falls in the weeks, counted by `key` (an institution
# through the request, or a pedagogist through her allocations) for the rows in `scope`.
CHANGED = """
changed AS (
    SELECT {key},
           COUNT(*) FILTER (WHERE pc.kind = 'cancel') AS cancelled,
           COUNT(*) FILTER (WHERE pc.kind = 'move') AS moved
    FROM forloeb_planchange pc
    JOIN forloeb_course c ON c.id = pc.course_id
    JOIN indsats_agreement ag ON ag.id = c.agreement_id
    JOIN {joined} = ag.request_id
    WHERE {key} IN (SELECT id FROM {scope}) AND pc.status = 'accepted'
      AND pc.day BETWEEN %(first)s AND %(last_monday)s::date + 6
    GROUP BY {key}
)"""
CHANGED_BY_INSTITUTION = CHANGED.format(
    key="r.institution_id", joined="indsats_interventionrequest r ON r.id", scope="page"
)
CHANGED_BY_PEDAGOGIST = CHANGED.format(
    key="al.pedagogist_id", joined="indsats_allocation al ON al.request_id", scope="people"
)

INSTITUTIONS = f"""
WITH page AS (
    SELECT i.id, i.name, d.name AS district
    FROM institutioner_institution i
    JOIN institutioner_district d ON d.id = i.district_id
    ORDER BY d.name, i.name
    LIMIT %(page_size)s
),
{WEEKS},
{VERSIONS.format(where="AND r.institution_id IN (SELECT id FROM page)")},
agreed AS (
    SELECT v.institution_id, SUM(v.hours_per_week) AS hours
    FROM versions v JOIN weeks w ON v.begin_on <= w.monday + 6 AND v.end_on >= w.monday
    GROUP BY v.institution_id
),
received AS (
    SELECT r.institution_id, SUM(h.hours) AS hours
    FROM forloeb_weeksheet s
    JOIN forloeb_hourentry h ON h.sheet_id = s.id
    JOIN forloeb_course c ON c.id = h.course_id
    JOIN indsats_agreement ag ON ag.id = c.agreement_id
    JOIN indsats_interventionrequest r ON r.id = ag.request_id
    WHERE r.institution_id IN (SELECT id FROM page) AND h.category = 'practice'
      AND s.status IN ('submitted', 'approved')
      AND s.week_start BETWEEN %(first)s AND %(last_monday)s
    GROUP BY r.institution_id
),
courses AS (
    SELECT r.institution_id, COUNT(*) AS n, COUNT(*) FILTER (WHERE c.phase <> 'closed') AS open
    FROM forloeb_course c
    JOIN indsats_agreement ag ON ag.id = c.agreement_id
    JOIN indsats_interventionrequest r ON r.id = ag.request_id
    WHERE r.institution_id IN (SELECT id FROM page)
    GROUP BY r.institution_id
),
recent AS (
    SELECT r.id, r.institution_id, r.group_id, r.wished_start
    FROM indsats_interventionrequest r
    WHERE r.institution_id IN (SELECT id FROM page) AND r.status = 'accepted'
      AND r.wished_start BETWEEN %(since)s AND %(today)s
),
pedagogists AS (
    SELECT x.institution_id, COUNT(DISTINCT a.pedagogist_id) AS n
    FROM recent x JOIN indsats_allocation a ON a.request_id = x.id
    GROUP BY x.institution_id
),
{CHANGED_BY_INSTITUTION},
{SUPPORT.format(where="AND a.institution_id IN (SELECT id FROM page)")},
repeats AS (
    SELECT institution_id, COUNT(*) FILTER (WHERE wished_start - previous <= 365) AS n
    FROM (
        SELECT institution_id, wished_start,
               LAG(wished_start) OVER (PARTITION BY institution_id, group_id
                                       ORDER BY wished_start) AS previous
        FROM recent WHERE group_id IS NOT NULL
    ) y
    GROUP BY institution_id
)
SELECT p.district, p.name, COALESCE(co.open, 0), COALESCE(co.n, 0),
       ROUND(COALESCE(a.hours, 0) / %(weeks)s, 2), ROUND(COALESCE(rc.hours, 0) / %(weeks)s, 2),
       COALESCE(pe.n, 0), COALESCE(rp.n, 0), COALESCE(ch.cancelled, 0), COALESCE(ch.moved, 0),
       COALESCE(su.hours, 0)
FROM page p
LEFT JOIN courses co ON co.institution_id = p.id
LEFT JOIN agreed a ON a.institution_id = p.id
LEFT JOIN received rc ON rc.institution_id = p.id
LEFT JOIN pedagogists pe ON pe.institution_id = p.id
LEFT JOIN repeats rp ON rp.institution_id = p.id
LEFT JOIN changed ch ON ch.institution_id = p.id
LEFT JOIN support su ON su.institution_id = p.id
ORDER BY p.district, p.name
"""

PEDAGOGISTS = f"""
WITH people AS (
    SELECT p.id, u.name, p.weekly_hours
    FROM institutioner_pedagogist p JOIN institutioner_user u ON u.id = p.user_id
    ORDER BY u.name, p.id
    LIMIT %(page_size)s
),
{WEEKS},
{ABSENCE.format(where="AND a.pedagogist_id IN (SELECT id FROM people)")},
allocations AS (
    SELECT a.request_id, a.pedagogist_id, a.weekly_hours,
           SUM(a.weekly_hours) OVER (PARTITION BY a.request_id) AS total
    FROM indsats_allocation a
    WHERE a.request_id IN (
        SELECT request_id FROM indsats_allocation
        WHERE pedagogist_id IN (SELECT id FROM people)
    )
),
{VERSIONS.format(where="AND r.id IN (SELECT request_id FROM allocations)")},
agreed AS (
    SELECT al.pedagogist_id, w.monday,
           SUM(v.hours_per_week * al.weekly_hours / al.total) AS hours, COUNT(*) AS courses
    FROM versions v
    JOIN allocations al ON al.request_id = v.request_id
    JOIN weeks w ON v.begin_on <= w.monday + 6 AND v.end_on >= w.monday
    WHERE al.pedagogist_id IN (SELECT id FROM people)
    GROUP BY al.pedagogist_id, w.monday
),
{CHANGED_BY_PEDAGOGIST},
logged AS (
    SELECT s.pedagogist_id, s.week_start, SUM(h.hours) AS hours,
           SUM(h.hours) FILTER (WHERE h.category = 'practice') AS practice
    FROM forloeb_weeksheet s JOIN forloeb_hourentry h ON h.sheet_id = s.id
    WHERE s.pedagogist_id IN (SELECT id FROM people)
      AND s.status IN ('submitted', 'approved')
      AND s.week_start BETWEEN %(first)s AND %(last_monday)s
    GROUP BY s.pedagogist_id, s.week_start
)
SELECT pe.name, w.monday, pe.weekly_hours, ROUND(COALESCE(a.hours, 0), 2),
       COALESCE(a.courses, 0), l.hours, COALESCE(l.practice, 0), COALESCE(ab.hours, 0),
       COALESCE(ch.cancelled, 0), COALESCE(ch.moved, 0)
FROM people pe
CROSS JOIN weeks w
LEFT JOIN agreed a ON a.pedagogist_id = pe.id AND a.monday = w.monday
LEFT JOIN logged l ON l.pedagogist_id = pe.id AND l.week_start = w.monday
LEFT JOIN absence ab ON ab.pedagogist_id = pe.id AND ab.monday = w.monday
LEFT JOIN changed ch ON ch.pedagogist_id = pe.id
ORDER BY pe.name, pe.id, w.monday
"""

FLOW_MONTHS = """
SELECT date_trunc('month', submitted_at AT TIME ZONE %(tz)s)::date AS month, status, COUNT(*)
FROM indsats_interventionrequest
WHERE submitted_at >= %(start)s AND submitted_at < %(end)s
GROUP BY 1, 2
ORDER BY 1, 2
"""

FLOW_WAITS = """
WITH firsts AS (
    SELECT ag.request_id, MIN(v.in_force_at) AS in_force
    FROM indsats_agreementversion v JOIN indsats_agreement ag ON ag.id = v.agreement_id
    WHERE v.in_force_at IS NOT NULL
    GROUP BY ag.request_id
),
waits AS (
    SELECT (f.in_force AT TIME ZONE %(tz)s)::date - (r.submitted_at AT TIME ZONE %(tz)s)::date
        AS days
    FROM firsts f JOIN indsats_interventionrequest r ON r.id = f.request_id
    WHERE r.submitted_at IS NOT NULL AND f.in_force >= %(start)s AND f.in_force < %(end)s
)
SELECT COUNT(*), percentile_cont(0.5) WITHIN GROUP (ORDER BY days),
       percentile_disc(0.9) WITHIN GROUP (ORDER BY days)
FROM waits
"""

FLOW_NOW = """
SELECT COUNT(*) FILTER (WHERE status = 'submitted' AND anonymised_at IS NULL),
       MIN(submitted_at) FILTER (WHERE status = 'submitted' AND anonymised_at IS NULL),
       COUNT(*) FILTER (WHERE status = 'needs_info' AND anonymised_at IS NULL),
       COUNT(*) FILTER (WHERE status = 'accepted' AND NOT EXISTS (
           SELECT 1 FROM indsats_agreement ag
           JOIN indsats_agreementversion v ON v.agreement_id = ag.id
           WHERE ag.request_id = r.id AND v.status = 'in_force'))
FROM indsats_interventionrequest r
"""

FLOW_REJECTIONS = """
SELECT e.id, e.message, i.name, g.name
FROM indsats_requestevent e
JOIN indsats_interventionrequest r ON r.id = e.request_id
JOIN institutioner_institution i ON i.id = r.institution_id
LEFT JOIN institutioner_group g ON g.id = r.group_id
WHERE e.kind = 'rejected' AND e.created_at >= %(start)s AND e.created_at < %(end)s
ORDER BY e.created_at DESC, e.id DESC
LIMIT 20
"""


# The support granted per district at the end of each day asked (the statistics' month ends).
SUPPORT_BY_DAY = """
WITH days AS (
    SELECT d::date AS day, (d::date + 1)::timestamp AT TIME ZONE %(tz)s AS end_of_day
    FROM unnest(%(days)s::date[]) AS d
),
latest AS (
    SELECT dy.day, a.institution_id, x.outcome, x.hours_per_week,
           ROW_NUMBER() OVER (PARTITION BY dy.day, x.application_id
                              ORDER BY x.decided_at DESC, x.id DESC) AS latest
    FROM days dy
    JOIN indsats_supportdecision x ON x.decided_at < dy.end_of_day
    JOIN indsats_supportapplication a ON a.id = x.application_id
    WHERE x.outcome IN ('granted', 'partly_granted', 'extended')
          AND x.period_start <= dy.day AND x.period_end >= dy.day
       OR x.outcome = 'ended' AND (x.period_end IS NULL OR x.period_end < dy.day)
)
SELECT i.district_id, l.day, SUM(l.hours_per_week)
FROM latest l JOIN institutioner_institution i ON i.id = l.institution_id
WHERE l.latest = 1 AND l.outcome <> 'ended' AND l.hours_per_week IS NOT NULL
GROUP BY 1, 2
ORDER BY 1, 2
"""


def support_by_day(days: list[date]) -> dict[tuple[int, date], Decimal]:
    """{(district id, day): granted hours a week in force at the end of the day}."""
    return {(d, day): hours for d, day, hours in _rows(SUPPORT_BY_DAY, {"days": days})}


def _rows(sql: str, params: dict) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, {"tz": TZ, **params})
        return cursor.fetchall()


def _json(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def _response(rows) -> dict:
    return {"rows": rows}


def _jsonable(data):
    """The numbers as JSON takes them: decimals as text, days in ISO, rows as lists."""
    if isinstance(data, dict):
        return {key: _jsonable(value) for key, value in data.items()}
    if isinstance(data, (list, tuple)):
        return [_jsonable(value) for value in data]
    return _json(data)


# The page each baseline stands for, as the benchmark saw it: {baseline path: (template name,
# the context its view gave the template)}. Filled by the benchmark once it has checked that the
# page and its baseline show the same numbers.
SAME_PAGE: dict[str, tuple[str, dict]] = {}


def _baseline(view):
    """A baseline view: its hand-written SQL run, then its numbers answered as JSON (checked
    against the page's), or with `as=page` the page itself rendered from them: the same
    template, layout and form as the page, with the numbers the SQL gave (the same, checked),
    so the two differ only in how the numbers are got. The menu, the bell and the person are
    the layout's own, looked up again as on the page."""

    @login_required
    @wraps(view)
    def wrapper(request):
        data = view(request)
        if request.GET.get("as") != "page":
            return JsonResponse(_jsonable(data))
        template_name, context = SAME_PAGE[request.path]
        return render(request, template_name, context)

    return wrapper


def _weeks(first: date, last_monday: date) -> dict:
    days = (last_monday + timedelta(days=6) - first).days + 1
    return {
        "first": first,
        "last_monday": last_monday,
        "weeks": (last_monday - first).days // 7 + 1,
        # The Danish holidays of the period, from the calendar the product keeps (a list of
        # days: data, not the computation).
        "holidays": [
            day
            for day in (first + timedelta(days=n) for n in range(days))
            if workdays.holiday_name(day)
        ],
    }


def _dates(request) -> tuple[date, date]:
    return date.fromisoformat(request.GET["first"]), date.fromisoformat(request.GET["last"])


def _support_day(request) -> dict:
    """The day the granted support is counted on (today, as the pages count it) and the end of
    that day on the Copenhagen wall clock."""
    day = date.fromisoformat(request.GET["today"])
    return {"day": day, "end_of_day": workdays.at_local(day + timedelta(days=1), time(0, 0))}


@_baseline
def districts(request):
    first, last_monday = _dates(request)
    return _response(_rows(DISTRICTS, _weeks(first, last_monday) | _support_day(request)))


@_baseline
def institutions(request):
    first, last_monday = _dates(request)
    today = date.fromisoformat(request.GET["today"])
    params = (
        _weeks(first, last_monday)
        | _support_day(request)
        | {
            "page_size": int(request.GET["page_size"]),
            "since": today - timedelta(days=730),
            "today": today,
        }
    )
    return _response(_rows(INSTITUTIONS, params))


@_baseline
def pedagogists(request):
    first, last_monday = _dates(request)
    params = _weeks(first, last_monday) | {"page_size": int(request.GET["page_size"])}
    return _response(_rows(PEDAGOGISTS, params))


@_baseline
def flow(request):
    params = {"start": request.GET["start"], "end": request.GET["end"]}
    count, median, p90 = _rows(FLOW_WAITS, params)[0]
    waiting, oldest, with_leader, accepted = _rows(FLOW_NOW, {})[0]
    return {
        "months": _rows(FLOW_MONTHS, params),
        "waits": count,
        "median": median,
        "p90": p90,
        "waiting": waiting,
        "oldest": oldest,
        "with_leader": with_leader,
        "accepted": accepted,
        "rejections": [row[0] for row in _rows(FLOW_REJECTIONS, params)],
    }


urlpatterns = [
    *project_urlpatterns,
    path("baseline/districts/", districts),
    path("baseline/institutions/", institutions),
    path("baseline/pedagogists/", pedagogists),
    path("baseline/flow/", flow),
]
