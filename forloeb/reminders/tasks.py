"""The scheduled reminder rules: thin tasks that call a rule and record that it ran."""

from collections.abc import Callable
from datetime import datetime

from celery import shared_task
from django.utils import timezone

from forloeb.reminders import rules as reminders
from institutioner.operations.services import heartbeat_beat


def run_rule(name: str, rule: Callable[..., int]) -> int:
    """Run a rule for now; its heartbeat tells the health page when and with what result."""
    queued = rule(now=timezone.now())
    heartbeat_beat(name=f"schedule:{name}", detail=str(queued))
    return queued


RULES: dict[str, Callable[..., int]] = {
    "reminders-evaluations": reminders.evaluations_due,
    "reminders-signatures": reminders.signatures_waiting,
    "reminders-courses-ending": reminders.courses_ending,
    "reminders-requests-waiting": reminders.requests_waiting,
    "reminders-week-sheets": reminders.week_sheets,
    "reminders-week-sheets-again": reminders.week_sheets_again,
    "reminders-follow-ups": reminders.follow_ups_due,
    "reminders-support-revisits": reminders.support_revisits_due,
}


def run_all(*, now: datetime) -> dict[str, int]:
    """Every rule once for `now` (the demo data and the tests use it)."""
    return {name: rule(now=now) for name, rule in RULES.items()}


@shared_task(name="forloeb.tasks.reminders_evaluations", ignore_result=True)
def reminders_evaluations() -> int:
    return run_rule("reminders-evaluations", reminders.evaluations_due)


@shared_task(name="forloeb.tasks.reminders_signatures", ignore_result=True)
def reminders_signatures() -> int:
    return run_rule("reminders-signatures", reminders.signatures_waiting)


@shared_task(name="forloeb.tasks.reminders_courses_ending", ignore_result=True)
def reminders_courses_ending() -> int:
    return run_rule("reminders-courses-ending", reminders.courses_ending)


@shared_task(name="forloeb.tasks.reminders_requests_waiting", ignore_result=True)
def reminders_requests_waiting() -> int:
    return run_rule("reminders-requests-waiting", reminders.requests_waiting)


@shared_task(name="forloeb.tasks.reminders_week_sheets", ignore_result=True)
def reminders_week_sheets() -> int:
    return run_rule("reminders-week-sheets", reminders.week_sheets)


@shared_task(name="forloeb.tasks.reminders_week_sheets_again", ignore_result=True)
def reminders_week_sheets_again() -> int:
    return run_rule("reminders-week-sheets-again", reminders.week_sheets_again)


@shared_task(name="forloeb.tasks.reminders_follow_ups", ignore_result=True)
def reminders_follow_ups() -> int:
    return run_rule("reminders-follow-ups", reminders.follow_ups_due)


@shared_task(name="forloeb.tasks.reminders_support_revisits", ignore_result=True)
def reminders_support_revisits() -> int:
    return run_rule("reminders-support-revisits", reminders.support_revisits_due)
