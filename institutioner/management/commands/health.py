"""`manage.py health`: the health page in a terminal, for monitoring. Exit code 1 on a problem."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from institutioner.operations.health import health


def _when(moment) -> str:
    if moment is None:
        return "–"
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


class Command(BaseCommand):
    help = "Broker, worker heartbeat, schedules and outbox. Exit code 1 on a problem."

    def handle(self, *args, **options):
        with translation.override("da"):
            state = health()
            out = self.stdout
            out.write(
                _("Broker: %(state)s (%(detail)s)")
                % {
                    "state": _("OK") if state.broker_ok else _("DOWN"),
                    "detail": state.broker_detail,
                }
            )
            out.write(
                _("Last sign of life from the background process: %(when)s%(late)s")
                % {
                    "when": _when(state.worker_at),
                    "late": _(" (LATE)") if state.worker_late else "",
                }
            )
            out.write(_("Schedules:"))
            for row in state.schedules:
                enabled = row.task is not None and row.task.enabled
                out.write(
                    _("  %(label)s [%(name)s]: %(when)s; started %(sent)s; ran %(ran)s%(late)s")
                    % {
                        "label": row.schedule.label,
                        "name": row.schedule.name,
                        "when": row.when if enabled else _("switched off"),
                        "sent": _when(row.last_sent),
                        "ran": _when(row.last_run),
                        "late": _(" (LATE)") if row.late else "",
                    }
                )
            out.write(
                _(
                    "Outbox: %(pending)s waiting (%(retry)s after a failure), "
                    "oldest %(oldest)s; %(failed)s failed"
                )
                % {
                    "pending": state.pending,
                    "retry": state.pending_waiting,
                    "oldest": _when(state.oldest_pending),
                    "failed": state.failed,
                }
            )
            for notification in state.failures:
                error = notification.last_error.splitlines()[0] if notification.last_error else ""
                out.write(
                    f"  #{notification.pk} {notification.get_status_display()} → "
                    f"{notification.email}: {error}"
                )
            problems = state.problems
            if problems:
                raise CommandError("\n".join(problems), returncode=1)
            out.write(self.style.SUCCESS(_("Everything is running.")))
