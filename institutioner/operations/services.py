from django.utils import timezone

from institutioner.models import (
    Heartbeat,
)


def heartbeat_beat(*, name: str, detail: str = "") -> None:
    """Record that a background job ran now (the worker's heartbeat, or a scheduled rule)."""
    Heartbeat.objects.update_or_create(
        name=name, defaults={"at": timezone.now(), "detail": detail[:200]}
    )
