"""What triage shows beside a request: how many interventions its group and institution had
before, linking to their history. Registered with indsats/hooks.py from ForloebConfig.ready()."""

from collections import defaultdict

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import ngettext

from forloeb.models import Course
from indsats.hooks import TriageNote


def environment_notes(*, requests: list) -> dict[int, list[TriageNote]]:
    """One query for all the requests on the page."""
    if not requests:
        return {}
    counts = (
        Course.objects.filter(
            agreement__request__institution_id__in={req.institution_id for req in requests}
        )
        .values("agreement__request__institution_id", "agreement__request__group_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_group: dict[tuple[int, int | None], int] = {}
    by_institution: dict[int, int] = defaultdict(int)
    for row in counts:
        institution_id = row["agreement__request__institution_id"]
        by_group[(institution_id, row["agreement__request__group_id"])] = row["n"]
        by_institution[institution_id] += row["n"]
    notes: dict[int, list[TriageNote]] = {}
    for req in requests:
        lines = []
        in_group = by_group.get((req.institution_id, req.group_id), 0) if req.group_id else 0
        if in_group:
            lines.append(
                TriageNote(
                    ngettext(
                        "The group's history: %(n)s intervention",
                        "The group's history: %(n)s interventions",
                        in_group,
                    )
                    % {"n": in_group},
                    reverse("history_group", args=[req.group_id]),
                )
            )
        in_institution = by_institution.get(req.institution_id, 0)
        if in_institution:
            lines.append(
                TriageNote(
                    ngettext(
                        "The institution's history: %(n)s intervention",
                        "The institution's history: %(n)s interventions",
                        in_institution,
                    )
                    % {"n": in_institution},
                    reverse("history_institution", args=[req.institution_id]),
                )
            )
        if lines:
            notes[req.pk] = lines
    return notes
