"""The content of an agreement version as one typed object.

`AgreementVersion.content` is a JSON document. Only this module knows its keys: it builds the
first draft from a request, validates, turns the document into an `AgreementContent` and back
(`from_json` / `to_json` keep the stored shape, so old rows, their hashes and the database's
immutability triggers are untouched), and gives what pages, the PDFs and other apps need: the
display rows, the differences between two versions, the week plan, the hours and evaluation
dates. Everyone else reads `version.parsed`.
"""

import contextlib
import hashlib
import json
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, fields
from datetime import date, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from indsats.choices import FocusLevel, Method, PracticeRole, Weekday
from institutioner.models import Pedagogist, format_decimal
from institutioner.retention.services import ANONYMISED
from institutioner.textlimits import GOAL, LINE, LONG, MEDIUM, check_lengths
from institutioner.validators import validate_no_cpr, validate_no_cpr_plain
from institutioner.workdays import (
    not_a_working_day,
    working_day_on_or_after,
    working_day_on_or_before,
)

if TYPE_CHECKING:
    from indsats.models import InterventionRequest

# --- The hash a version is signed by ------------------------------------------------------------


def canonical_content(content: dict) -> str:
    """The content as one stable text: the same content always gives the same bytes."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def content_hash(content: dict) -> str:
    return hashlib.sha256(canonical_content(content).encode("utf-8")).hexdigest()


def version_hash(*, agreement_id: int, number: int, content: dict) -> str:
    """The SHA-256 a version is signed and verified by: its content together with which
    agreement and which version it is, so two versions never share a hash."""
    return content_hash({"agreement": agreement_id, "version": number, "content": content})


def content_anonymised(content: Mapping[str, Any]) -> dict:
    """Retention: the document without its free text and names (the background, the goals and
    their indicators, the participants, what the leadership commits to, the pedagogists'
    names). The keys, the pedagogists' ids, methods, roles, weekdays, hours and dates stay, so
    the week plan and every figure counted from the version are the same. Empty text stays
    empty."""
    data = dict(content)
    for key in AgreementContent.TEXT_FIELDS:
        if data.get(key):
            data[key] = ANONYMISED
    data["goals"] = [
        {
            **goal,
            "text": ANONYMISED if goal.get("text") else "",
            "indicator": ANONYMISED if goal.get("indicator") else "",
        }
        for goal in data.get("goals", [])
    ]
    data["pedagogists"] = [{**p, "name": ANONYMISED} for p in data.get("pedagogists", [])]
    return data


# --- The day the rules count from --------------------------------------------------------------

_written_on: ContextVar[date | None] = ContextVar("agreement_written_on", default=None)


def rules_today() -> date:
    """Today, as the rules of a version see it (no start or evaluation before it)."""
    return _written_on.get() or timezone.localdate()


@contextlib.contextmanager
def written_on(day: date) -> Iterator[None]:
    """Write versions as if on `day`: the demo and the tests make agreements that started
    weeks ago the way they were written back then. The app itself never uses it."""
    token = _written_on.set(min(day, timezone.localdate()))
    try:
        yield
    finally:
        _written_on.reset(token)


# --- The parts ----------------------------------------------------------------------------------


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _time(value: str | None) -> time | None:
    return time.fromisoformat(value) if value else None


# The general day: where an institution's opening hours are not known, practice days (the
# agreement's time window, and a day the plan moves or adds) lie between these.
DAY_OPENS, DAY_CLOSES = time(6), time(18)


def practice_day_bounds(institution) -> tuple[time, time, str]:
    """When a practice day may lie at `institution`, and the Danish rule that says so: within
    its opening hours, as the children are there then; only where it has none recorded, the
    general day (06:00-18:00). One rule for the agreement's time window and for the plan's
    moved and extra days, so their messages never contradict each other."""
    opens = getattr(institution, "opens_at", None)
    closes = getattr(institution, "closes_at", None)
    if opens is not None and closes is not None:
        return (
            opens,
            closes,
            _("%(name)s is open %(opens)s-%(closes)s; the practice day must lie within that.")
            % {"name": institution.name, "opens": f"{opens:%H:%M}", "closes": f"{closes:%H:%M}"},
        )
    return (
        DAY_OPENS,
        DAY_CLOSES,
        _(
            "No opening hours are recorded for the institution, so the practice day must lie "
            "within the general day, %(opens)s-%(closes)s."
        )
        % {"opens": f"{DAY_OPENS:%H:%M}", "closes": f"{DAY_CLOSES:%H:%M}"},
    )


def _hhmm(value: time | None) -> str:
    return value.strftime("%H:%M") if value else ""


@dataclass(frozen=True)
class Goal:
    text: str
    focus_level: str = ""  # a FocusLevel value
    indicator: str = ""

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            text=data.get("text", ""),
            focus_level=data.get("focus_level", ""),
            indicator=data.get("indicator", ""),
        )

    def to_json(self) -> dict:
        return {"text": self.text, "focus_level": self.focus_level, "indicator": self.indicator}


@dataclass(frozen=True)
class NamedPedagogist:
    """A pedagogist as the agreement names them: who signs, under the name signed for."""

    id: int
    name: str

    def to_json(self) -> dict:
        return {"id": self.id, "name": self.name}


@dataclass(frozen=True)
class Plan:
    """The weekdays and times of day the course runs on, as the agreement says."""

    weekdays: tuple[int, ...]
    time_from: time | None
    time_to: time | None

    # The document's keys a plan is read from: a reader of hundreds of plans (the plan room)
    # asks the database for these and not for the whole document.
    KEYS: ClassVar[tuple[str, ...]] = ("weekdays", "time_from", "time_to")

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        """From a document, or from only its `KEYS`; as `AgreementContent.plan` gives it."""
        return cls(
            weekdays=tuple(sorted(data.get("weekdays") or [])),
            time_from=_time(data.get("time_from")),
            time_to=_time(data.get("time_to")),
        )

    def text(self) -> str:
        names = [str(Weekday(day).label).lower() for day in self.weekdays]
        days = ", ".join(names) if names else _("no fixed weekdays")
        if self.time_from and self.time_to:
            return _("%(days)s, %(start)s-%(end)s") % {
                "days": days,
                "start": _hhmm(self.time_from),
                "end": _hhmm(self.time_to),
            }
        return days


# --- What pages, the PDFs and the comparison show -----------------------------------------------


@dataclass(frozen=True)
class GoalRow:
    text: str
    focus_level: str  # the Danish label
    indicator: str


@dataclass(frozen=True)
class AgreementDisplay:
    """The content with its codes turned into Danish labels and dates into dates, for pages,
    the PDFs and the comparison of versions."""

    institution: str
    group: str
    background: str
    goals: list[GoalRow]
    methods: list[str]
    practice_roles: list[str]
    participants: str
    pedagogists: list[str]
    days_per_week: int
    hours_per_week: Decimal
    weekdays: list[str]
    time_from: str
    time_to: str
    starts_on: date
    ends_on: date
    midway_evaluation_on: date | None
    final_evaluation_on: date | None
    leadership_commitment: str
    parent_meetings: bool


@dataclass(frozen=True)
class Difference:
    label: str
    before: str
    after: str


def _as_text(value) -> str:
    if isinstance(value, list):
        return "\n".join(
            " – ".join(v for v in (item.text, item.focus_level, item.indicator) if v)
            if isinstance(item, GoalRow)
            else str(item)
            for item in value
        )
    if isinstance(value, bool):
        return "Ja" if value else "Nej"
    if value is None:
        return "–"
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, Decimal):
        return format_decimal(value)
    return str(value)


def _compared_fields() -> dict[str, str]:
    """The fields a comparison shows, in the order of the agreement, with their labels."""
    return {
        "group": _("Group"),
        "background": _("Background and need"),
        "goals": _("Goals"),
        "methods": _("Methods"),
        "practice_roles": _("The pedagogist's role in practice"),
        "participants": _("Participants from the institution"),
        "pedagogists": _("Pedagogists"),
        "days_per_week": _("Days a week"),
        "hours_per_week": _("Hours a week"),
        "weekdays": _("Weekdays"),
        "time_from": _("From (time of day)"),
        "time_to": _("To (time of day)"),
        "starts_on": _("Start"),
        "ends_on": _("End"),
        "midway_evaluation_on": _("Midway evaluation"),
        "final_evaluation_on": _("Final evaluation"),
        "leadership_commitment": _("What the leadership commits to"),
        "parent_meetings": _("Takes part in parent or interdisciplinary meetings"),
    }


def _goal_text(number: int, goal: GoalRow) -> str:
    text = f"{number}. "
    if goal.focus_level:
        text += f"[{goal.focus_level}] "
    text += goal.text or "–"
    if goal.indicator:
        text += " (" + _("We will see it when:") + " " + goal.indicator + ")"
    return text


def content_rows(content: Mapping[str, Any]) -> list[tuple[str, str]]:
    """A stored document as Danish (label, value) rows, in the order of the agreement, with
    the labels and values its page shows (an access request's readable summary)."""
    view = AgreementContent.from_json(content).display()
    rows = [(str(_("Institution")), view.institution or "–")]
    for key, label in _compared_fields().items():
        value = getattr(view, key)
        if key == "goals":
            text = "\n".join(_goal_text(n, goal) for n, goal in enumerate(value, start=1))
        elif isinstance(value, list):
            text = ", ".join(value)
        else:
            text = _as_text(value)
        rows.append((str(label), text or "–"))
    return rows


# --- The content --------------------------------------------------------------------------------


def _pedagogists_of(req: "InterventionRequest") -> list[Pedagogist]:
    return [a.pedagogist for a in req.allocations.select_related("pedagogist__user")]


@dataclass(frozen=True)
class AgreementContent:
    """One agreement version's content. The attributes are in the order of the stored JSON
    document, whose keys are the attribute names."""

    institution: str
    group: str
    background: str
    goals: tuple[Goal, ...]
    methods: tuple[str, ...]  # Method values
    practice_roles: tuple[str, ...]  # PracticeRole values
    participants: str
    pedagogists: tuple[NamedPedagogist, ...]
    days_per_week: int
    hours_per_week: Decimal
    weekdays: tuple[int, ...]  # Weekday values, in the order written
    time_from: time | None
    time_to: time | None
    starts_on: date
    ends_on: date
    midway_evaluation_on: date | None
    final_evaluation_on: date | None
    leadership_commitment: str
    parent_meetings: bool

    TEXT_FIELDS = ("background", "participants", "leadership_commitment")
    # The longest text each may hold (pages, e-mails and the PDF stay quick), and how many goals.
    TEXT_LIMITS = {"background": LONG, "participants": LINE, "leadership_commitment": MEDIUM}
    # The participants are people of the institution, not the children's group: a CPR number
    # there gets the plain message.
    CPR_GUARDS = {"participants": validate_no_cpr_plain}
    GOAL_LIMITS = {"text": GOAL, "indicator": LINE}
    MAX_GOALS = 10

    # --- building

    @classmethod
    def from_request(cls, req: "InterventionRequest") -> Self:
        """A first draft from the accepted request and the triage (hours, pedagogists)."""
        allocations = list(req.allocations.select_related("pedagogist__user"))
        hours = max((a.weekly_hours for a in allocations), default=Decimal("0"))
        weeks = req.wished_weeks
        # The wished start, or today when that has passed, on a working day; the evaluations
        # on working days inside the period, the midway one before the final one.
        start = working_day_on_or_after(max(req.wished_start, rules_today()))
        end = max(req.wished_end, start)
        final = max(working_day_on_or_before(end), start)
        midway = (
            working_day_on_or_after(start + timedelta(weeks=weeks // 2))
            if weeks >= settings.AGREEMENT_MIDWAY_MIN_WEEKS
            else None
        )
        if midway is not None and midway >= final:
            midway = None
        return cls(
            institution=req.institution.name,
            group=req.group.name if req.group else "",
            background=req.need,
            goals=tuple(
                Goal(text="", focus_level=level.level, indicator="")
                for level in req.focus_levels.all()[:1]
            ),
            methods=(Method.CO_PRACTICE.value,),
            practice_roles=(PracticeRole.BESIDE.value,),
            participants=req.contact_name,
            pedagogists=tuple(
                NamedPedagogist(id=a.pedagogist_id, name=a.pedagogist.user.name)
                for a in allocations
            ),
            days_per_week=max(1, len(req.wished_weekdays)),
            hours_per_week=hours,
            weekdays=tuple(sorted(req.wished_weekdays)),
            time_from=req.wished_time_from,
            time_to=req.wished_time_to,
            starts_on=start,
            ends_on=end,
            midway_evaluation_on=midway,
            final_evaluation_on=final,
            leadership_commitment="",
            parent_meetings=False,
        )

    # --- JSON

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Self:
        return cls(
            institution=data.get("institution", ""),
            group=data.get("group", ""),
            background=data.get("background", ""),
            goals=tuple(Goal.from_json(g) for g in data.get("goals", [])),
            methods=tuple(data.get("methods", [])),
            practice_roles=tuple(data.get("practice_roles", [])),
            participants=data.get("participants", ""),
            pedagogists=tuple(
                NamedPedagogist(id=p["id"], name=p["name"]) for p in data.get("pedagogists", [])
            ),
            days_per_week=data.get("days_per_week", 0),
            hours_per_week=Decimal(data.get("hours_per_week") or "0"),
            weekdays=tuple(data.get("weekdays", [])),
            time_from=_time(data.get("time_from")),
            time_to=_time(data.get("time_to")),
            starts_on=date.fromisoformat(data["starts_on"]),
            ends_on=date.fromisoformat(data["ends_on"]),
            midway_evaluation_on=_date(data.get("midway_evaluation_on")),
            final_evaluation_on=_date(data.get("final_evaluation_on")),
            leadership_commitment=data.get("leadership_commitment", ""),
            parent_meetings=bool(data.get("parent_meetings")),
        )

    def to_json(self) -> dict:
        """The document as it is stored (and hashed): the same keys, types and formats as
        every version written so far."""
        return {
            "institution": self.institution,
            "group": self.group,
            "background": self.background,
            "goals": [g.to_json() for g in self.goals],
            "methods": list(self.methods),
            "practice_roles": list(self.practice_roles),
            "participants": self.participants,
            "pedagogists": [p.to_json() for p in self.pedagogists],
            "days_per_week": self.days_per_week,
            "hours_per_week": str(self.hours_per_week),
            "weekdays": list(self.weekdays),
            "time_from": _hhmm(self.time_from),
            "time_to": _hhmm(self.time_to),
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "midway_evaluation_on": _iso(self.midway_evaluation_on),
            "final_evaluation_on": _iso(self.final_evaluation_on),
            "leadership_commitment": self.leadership_commitment,
            "parent_meetings": self.parent_meetings,
        }

    # --- rules

    def validate(
        self, req: "InterventionRequest", previous: "AgreementContent | None" = None
    ) -> None:
        """The rules a version must keep, whoever writes it. Danish messages, per field.
        `previous`: the content of the version in force, when this one adjusts it.

        A new agreement starts today or later, on a working day; its midway and final
        evaluations lie on working days inside the period, not in the past, the midway one
        before the final one (the rules a course's ongoing evaluations keep)."""
        errors: dict[str, list[str]] = {}

        def error(field, message):
            errors.setdefault(field, []).append(message)

        for field in self.TEXT_FIELDS:
            try:
                self.CPR_GUARDS.get(field, validate_no_cpr)(getattr(self, field))
                check_lengths(**{field: (getattr(self, field), self.TEXT_LIMITS[field])})
            except ValidationError as exc:
                error(field, exc.messages[0])
        for number, goal in enumerate(self.goals, start=1):
            try:
                validate_no_cpr(goal.text + " " + goal.indicator)
            except ValidationError as exc:
                error("goals", exc.messages[0])
            try:
                check_lengths(
                    **{key: (getattr(goal, key), limit) for key, limit in self.GOAL_LIMITS.items()}
                )
            except ValidationError as exc:
                error("goals", _("Goal %(n)s: %(error)s") % {"n": number, "error": exc.messages[0]})
        if len(self.goals) > self.MAX_GOALS:
            error("goals", _("At most %(n)s goals.") % {"n": self.MAX_GOALS})
        if not [goal for goal in self.goals if goal.text.strip()]:
            error("goals", _("Write at least one goal."))
        if not self.methods:
            error("methods", _("Choose at least one method."))
        start, end = self.starts_on, self.ends_on
        today = rules_today()
        # An adjustment (`previous`: the version in force) keeps the days of the version it
        # adjusts, also those that have passed (its start, an evaluation already held); a day it
        # moves keeps the rules as a new agreement's days do.
        kept = {
            key: getattr(previous, key)
            for key in ("starts_on", "midway_evaluation_on", "final_evaluation_on")
            if previous is not None
        }
        if previous is None and start < today:
            error(
                "starts_on",
                _(
                    "The start cannot be in the past: a new agreement starts today (%(today)s) "
                    "or later."
                )
                % {"today": today.strftime("%d.%m.%Y")},
            )
        elif not today - timedelta(days=730) <= start <= today + timedelta(days=730):
            error("starts_on", _("The start must lie within two years from today."))
            raise ValidationError(errors)
        elif start != kept.get("starts_on") and not_a_working_day(start):
            error("starts_on", not_a_working_day(start))
        if end < start:
            error("ends_on", _("The end cannot be before the start."))
        elif end > start + timedelta(days=730):
            error("ends_on", _("An agreement can run for at most two years; adjust it to go on."))
            raise ValidationError(errors)

        def evaluation_day(key: str, day: date, past: str, outside: str) -> bool:
            """Whether the evaluation's day keeps the rules; the first broken one is told."""
            if day == kept.get(key) and day < today:
                return True
            if day < today:
                error(key, past)
            elif not start <= day <= end:
                error(key, outside)
            elif not_a_working_day(day):
                error(key, not_a_working_day(day))
            else:
                return True
            return False

        final = self.final_evaluation_on
        if not final:
            error("final_evaluation_on", _("A final evaluation date is required."))
        else:
            evaluation_day(
                "final_evaluation_on",
                final,
                _("The final evaluation cannot be in the past."),
                _("The final evaluation must lie in the period (%(start)s-%(end)s).")
                % {"start": start.strftime("%d.%m.%Y"), "end": end.strftime("%d.%m.%Y")},
            )
        midway = self.midway_evaluation_on
        if (
            midway
            and evaluation_day(
                "midway_evaluation_on",
                midway,
                _("The midway evaluation cannot be in the past."),
                _("The midway evaluation must lie in the period."),
            )
            and final
            and midway >= final
        ):
            error(
                "midway_evaluation_on",
                _("The midway evaluation must come before the final evaluation (%(day)s).")
                % {"day": final.strftime("%d.%m.%Y")},
            )
        t_from, t_to = self.time_from, self.time_to
        opens, closes, rule = practice_day_bounds(req.institution)
        if t_from and t_to and (t_from < opens or t_to > closes):
            error("time_from" if t_from < opens else "time_to", rule)
        hours = self.hours_per_week
        if hours <= 0:
            error("hours_per_week", _("Hours a week must be more than 0."))
        for pedagogist in _pedagogists_of(req):
            if hours > pedagogist.weekly_hours:
                error(
                    "hours_per_week",
                    _("%(name)s has %(hours)s contracted hours a week; the agreement asks more.")
                    % {
                        "name": pedagogist.user.name,
                        "hours": format_decimal(pedagogist.weekly_hours),
                    },
                )
        if errors:
            raise ValidationError(errors)

    def hours_beyond_plan(self) -> str | None:
        """A warning when the hours a week are more than the days and the time window hold (a
        window is a frame, so fewer hours are fine): the dashboards and triage count the hours,
        the week plan and the week sheet the days and times. Said on saving and sending, not
        refused: the leader and pedagogist may mean the window loosely, and decide."""
        most = self.most_hours_a_week()
        if most is None or self.hours_per_week <= most:
            return None
        days = self.plan_days()
        return ngettext(
            "%(days)s day a week from %(start)s to %(end)s holds %(most)s hours; the agreement "
            "gives %(hours)s hours a week. Check the hours, the days and the times.",
            "%(days)s days a week from %(start)s to %(end)s hold %(most)s hours; the agreement "
            "gives %(hours)s hours a week. Check the hours, the days and the times.",
            days,
        ) % {
            "days": days,
            "start": _hhmm(self.time_from),
            "end": _hhmm(self.time_to),
            "most": format_decimal(most),
            "hours": format_decimal(self.hours_per_week),
        }

    def plan_days(self) -> int:
        """The practice days a week: the weekdays ticked, else the number of days written."""
        return len(self.weekdays) or self.days_per_week

    def most_hours_a_week(self) -> Decimal | None:
        """The practice the days and the time window hold in a week, when the agreement gives a
        time window: the hours a week cannot be more (the preparation hour is apart)."""
        if not (self.time_from and self.time_to) or self.time_to <= self.time_from:
            return None
        if not self.plan_days():
            return None  # an old draft without days: nothing to hold the hours against
        start = self.time_from.hour * 60 + self.time_from.minute
        end = self.time_to.hour * 60 + self.time_to.minute
        return Decimal(end - start) / 60 * self.plan_days()

    # --- what others need

    def goal_texts(self) -> list[str]:
        """The goals that are written (an evaluation assesses each)."""
        return [goal.text for goal in self.goals if goal.text]

    def pedagogist_ids(self) -> set[int]:
        return {p.id for p in self.pedagogists}

    @property
    def plan(self) -> Plan:
        return Plan(
            weekdays=tuple(sorted(self.weekdays)), time_from=self.time_from, time_to=self.time_to
        )

    def display(self) -> AgreementDisplay:
        return AgreementDisplay(
            institution=self.institution,
            group=self.group,
            background=self.background,
            goals=[
                GoalRow(
                    text=g.text,
                    focus_level=str(FocusLevel(g.focus_level).label) if g.focus_level else "",
                    indicator=g.indicator,
                )
                for g in self.goals
            ],
            methods=[str(Method(m).label) for m in self.methods],
            practice_roles=[str(PracticeRole(r).label) for r in self.practice_roles],
            participants=self.participants,
            pedagogists=[p.name for p in self.pedagogists],
            days_per_week=self.days_per_week,
            hours_per_week=self.hours_per_week,
            weekdays=[str(Weekday(d).label) for d in self.weekdays],
            time_from=_hhmm(self.time_from),
            time_to=_hhmm(self.time_to),
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            midway_evaluation_on=self.midway_evaluation_on,
            final_evaluation_on=self.final_evaluation_on,
            leadership_commitment=self.leadership_commitment,
            parent_meetings=self.parent_meetings,
        )

    def differences(self, after: "AgreementContent") -> list[Difference]:
        """What changed from this version to `after`, field by field, in the order of the
        agreement."""
        old, new = self.display(), after.display()
        rows = []
        for key, label in _compared_fields().items():
            before_text, after_text = _as_text(getattr(old, key)), _as_text(getattr(new, key))
            if before_text != after_text:
                rows.append(Difference(label=str(label), before=before_text, after=after_text))
        return rows


# The stored document's keys: the attribute names (checked by the tests).
JSON_KEYS = tuple(f.name for f in fields(AgreementContent))
