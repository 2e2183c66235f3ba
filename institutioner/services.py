"""Writes that matter in the organisation app. One function per action."""

from django.contrib.sessions.models import Session
from django.utils import timezone


def sessions_clear_expired() -> int:
    """Delete sessions past their expiry; returns how many. Running it twice deletes nothing new."""
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted
