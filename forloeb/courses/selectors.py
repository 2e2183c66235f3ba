"""Reads about courses that other apps ask through their hooks."""

from forloeb.models import Course, Phase


def agreement_finished(*, agreement_id: int) -> bool:
    """The work under an agreement has ended when its course is closed (until it is reopened)."""
    return Course.objects.filter(agreement_id=agreement_id, phase=Phase.CLOSED).exists()
