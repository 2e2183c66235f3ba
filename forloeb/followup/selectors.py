"""Reads of the follow-ups: the goals they ask about, and when they are due."""

import calendar
from datetime import date

from forloeb.models import Course


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day when it has no such day)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


def goal_texts(course: Course) -> list[str]:
    """The goals of the agreement the course closed under (the newest signed version)."""
    version = course.agreement.versions.signed().order_by("-number").first()
    return version.parsed.goal_texts() if version else []
