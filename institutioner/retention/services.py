"""Retention: the nightly run that anonymises or deletes what is past its period, and its dry run.

Each registered step (registry.py) finds its cases and handles them. A case (a closed course with
its agreement, a rejected request) is handled in its own transaction: if anything in it fails, the
database rolls the whole case back, nothing is left half anonymised, the failure is logged and
counted, the run goes on with the next case, and the next night's run finds the case again
(the steps mark what they have done, e.g. `anonymised_at`, and look only for what is unmarked).

Anonymising replaces free text with `ANONYMISED` and removes names, e-mail addresses and phone
numbers, in the rows and in their copies in the history tables (django-simple-history keeps a
full copy of a row at every change); dates, hours, status, institution and district stay, so
every dashboard shows the same figures afterwards.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models, transaction
from django.utils.translation import gettext as _

from institutioner.retention.registry import ANONYMISE, RetentionStep, all_steps, cutoff

logger = logging.getLogger(__name__)

# What replaces free text: stored, and shown where the text was.
ANONYMISED = "[anonymiseret]"
# The dry run shows at most this many ids of one kind (and says how many more there are).
REPORT_IDS = 50


def text_anonymise(
    model: type[models.Model],
    *,
    where: dict,
    replace: tuple[str, ...] = (),
    clear: tuple[str, ...] = (),
) -> None:
    """In the rows of `model` that match `where`, free text in `replace` becomes ANONYMISED where
    it was written (empty stays empty) and `clear` (an e-mail address, a phone number) becomes
    empty. The same happens to every copy in the model's history table that matches `where`,
    copies of rows deleted since included, and their change reasons go too. `where` names plain
    columns (`id`, `course_id`) so it fits the history table as well."""
    targets = [model._default_manager.filter(**where)]
    history = getattr(model, "history", None)
    if history is not None:
        copies = history.model._default_manager.filter(**where)
        copies.exclude(history_change_reason=None).update(history_change_reason=None)
        targets.append(copies)
    for target in targets:
        for name in replace:
            target.exclude(**{name: ""}).exclude(**{name: ANONYMISED}).update(**{name: ANONYMISED})
        for name in clear:
            target.exclude(**{name: ""}).update(**{name: ""})


@dataclass
class StepReport:
    step: RetentionStep
    before: datetime
    count: int
    ids: list[int]  # the first REPORT_IDS
    done: int = 0
    failed: list[int] = field(default_factory=list)  # the cases that failed
    failed_all: bool = False  # a bulk step (one transaction for all) failed

    @property
    def failures(self) -> int:
        return len(self.failed) + self.failed_all

    @property
    def more(self) -> int:
        return max(0, self.count - len(self.ids))

    @property
    def anonymises(self) -> bool:
        return self.step.action == ANONYMISE


def retention_report(*, now: datetime) -> list[StepReport]:
    """What a run now would anonymise or delete, per kind, with counts and ids. Changes
    nothing."""
    reports = []
    for step in all_steps():
        before = cutoff(step, now=now)
        found = step.find(before=before)
        reports.append(
            StepReport(step=step, before=before, count=found.count(), ids=list(found[:REPORT_IDS]))
        )
    return reports


def retention_run(*, now: datetime) -> list[StepReport]:
    """Anonymise or delete everything past its period, one transaction per case."""
    reports = []
    for step in all_steps():
        before = cutoff(step, now=now)
        found = step.find(before=before)
        report = StepReport(step=step, before=before, count=0, ids=[])
        if step.one_by_one:
            cases = list(found)
            report.count = len(cases)
            report.ids = cases[:REPORT_IDS]
            for case in cases:
                try:
                    with transaction.atomic():
                        report.done += step.apply([case], before=before)
                except Exception:
                    logger.exception(
                        "Retention: %s %s failed; the next run tries again.", step.name, case
                    )
                    report.failed.append(case)
        else:
            try:
                with transaction.atomic():
                    report.count = report.done = step.apply(found, before=before)
            except Exception:
                logger.exception("Retention: %s failed; the next run tries again.", step.name)
                report.failed_all = True
        reports.append(report)
    return reports


def summary(reports: list[StepReport]) -> str:
    """One Danish line for the health page: what the last run did."""
    anonymised = sum(r.done for r in reports if r.anonymises)
    deleted = sum(r.done for r in reports if not r.anonymises)
    failed = sum(r.failures for r in reports)
    text = _("%(anonymised)s anonymised, %(deleted)s deleted") % {
        "anonymised": anonymised,
        "deleted": deleted,
    }
    if failed:
        text += _("; %(failed)s failed (tried again at the next run)") % {"failed": failed}
    return text
