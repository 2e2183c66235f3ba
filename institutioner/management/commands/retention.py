"""`manage.py retention [--dry-run]`: anonymise and delete what is past its period, or (dry run)
list what that would be, per kind, with counts and ids, and change nothing."""

from django.core.management.base import BaseCommand
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from institutioner.operations.services import heartbeat_beat
from institutioner.retention import services


class Command(BaseCommand):
    help = "Anonymise and delete what is past its retention period (--dry-run: only list it)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what would go; change nothing."
        )

    def handle(self, *args, dry_run: bool = False, **options):
        with translation.override("da"):
            now = timezone.now()
            if dry_run:
                self.stdout.write(
                    _("Dry run: what retention would anonymise or delete now. Nothing is changed.")
                )
                reports = services.retention_report(now=now)
            else:
                reports = services.retention_run(now=now)
            for report in reports:
                self._write(report, dry_run=dry_run)
            if not dry_run:
                summary = services.summary(reports)
                heartbeat_beat(name="schedule:retention", detail=summary)
                self.stdout.write(summary)
            elif not any(report.count for report in reports):
                self.stdout.write(_("Nothing is past its retention period."))

    def _write(self, report: services.StepReport, *, dry_run: bool) -> None:
        step = report.step
        what = (
            (_("would be anonymised") if dry_run else _("anonymised"))
            if report.anonymises
            else (_("would be deleted") if dry_run else _("deleted"))
        )
        self.stdout.write(
            _("%(label)s (%(setting)s, older than %(before)s): %(count)s %(what)s")
            % {
                "label": step.label,
                "setting": step.period_setting,
                "before": date_format(timezone.localtime(report.before), "SHORT_DATE_FORMAT"),
                "count": report.count if dry_run else report.done,
                "what": what,
            }
        )
        if report.ids:
            ids = ", ".join(str(pk) for pk in report.ids)
            more = _(" and %(n)s more") % {"n": report.more} if report.more else ""
            self.stdout.write("  " + _("ids: %(ids)s%(more)s") % {"ids": ids, "more": more})
        if report.failed:
            self.stdout.write(
                "  "
                + _("failed, tried again at the next run: %(ids)s")
                % {"ids": ", ".join(str(pk) for pk in report.failed)}
            )
        if report.failed_all:
            self.stdout.write("  " + _("failed, tried again at the next run"))
