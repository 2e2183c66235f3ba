"""A phase move keeps its reason and the items it left unticked in fields of its own
(CourseEvent.reason, .unticked_items) instead of only inside the sentence the course page lists.
The events written before are filled from their sentences, in Danish or in English, as the
course's services wrote them (a reopening or move by the administration, or moving on with
unticked items). The patterns live here only, for those old rows."""

import re

import django.db.models.functions.text
import django.db.models.lookups
import institutioner.textlimits
import institutioner.validators
from django.conf import settings
from django.db import migrations, models
from django.utils import translation

# The sentences the services wrote (msgid, and the Danish the catalogue gave it).
_SENTENCES = [
    "The administration reopened the course in the phase {phase}. Why: {reason}",
    "The administration moved the course to the phase {phase}. Why: {reason}",
    "Phase changed to {phase}. Not ticked: {items}. Why: {reason}",
    "Forvaltningen genåbnede forløbet i fasen {phase}. Begrundelse: {reason}",
    "Forvaltningen flyttede forløbet til fasen {phase}. Begrundelse: {reason}",
    "Fase skiftet til {phase}. Ikke afkrydset: {items}. Begrundelse: {reason}",
]
# The checklist's items per phase: key, English label, Danish label (forloeb.models.CHECKLIST
# when this was written).
_ITEMS = {
    "startup": [
        ("coordination", "Coordination", "Koordinering"),
        (
            "contracting",
            "Contracting: the agreement is gone through with the staff",
            "Kontraktering: aftalen gennemgås med personalet",
        ),
        ("leadership_startup", "The leadership takes part", "Ledelsen deltager"),
    ],
    "practice": [
        (
            "practice_roles",
            "Practice in front, beside and behind the staff",
            "Praksis foran, ved siden af og bagved personalet",
        ),
        (
            "reflections",
            "Ongoing reflections and evaluations",
            "Løbende refleksioner og evalueringer",
        ),
        ("practice_team", "The practice team takes part", "Praksislaget deltager"),
    ],
    "follow_up": [
        ("evaluation", "Evaluation", "Evaluering"),
        ("adjustment", "Adjustment", "Justering"),
        ("follow_up", "Follow-up", "Opfølgning"),
        ("leadership_follow_up", "The leadership takes part", "Ledelsen deltager"),
    ],
}
LIMIT = 500


def _patterns() -> list[re.Pattern]:
    parts = {"{phase}": r".*?", "{items}": r"(?P<items>.*?)", "{reason}": r"(?P<reason>.*)"}
    patterns = []
    for sentence in _SENTENCES:
        pattern = re.escape(sentence)
        for placeholder, group in parts.items():
            pattern = pattern.replace(re.escape(placeholder), group)
        patterns.append(re.compile(pattern, re.DOTALL))
    return patterns


def _labels(phase: str) -> list[tuple[str, str]]:
    """(label, key) of the phase's items in both languages, and as the catalogue names them
    now; the longest first, so that a label is not taken for the start of a longer one."""
    labels = set()
    for key, english, danish in _ITEMS.get(phase, []):
        labels.update({(english, key), (danish, key)})
        with translation.override("da"):
            labels.add((str(translation.gettext(english)), key))
    return sorted(labels, key=lambda pair: -len(pair[0]))


def _keys(text: str, phase: str) -> list[str] | None:
    """The items' keys in "label, label, …", or None when a part is no known label (a label
    may hold a comma itself, so the text is read label by label)."""
    labels = _labels(phase)
    keys: list[str] = []
    rest = text
    while rest:
        for label, key in labels:
            if rest == label or rest.startswith(label + ", "):
                keys.append(key)
                rest = rest[len(label) + 2 :]
                break
        else:
            return None
    return keys


def fill(apps, schema_editor):
    CourseEvent = apps.get_model("forloeb", "CourseEvent")
    ChecklistItem = apps.get_model("forloeb", "ChecklistItem")
    patterns = _patterns()
    changed = []
    events = (
        CourseEvent.objects.exclude(to_phase="").exclude(from_phase="").filter(reason="")
    )
    for event in events.iterator():
        match = next((m for p in patterns if (m := p.fullmatch(event.message))), None)
        if match is None:
            continue
        reason = match["reason"].strip()
        event.reason = reason if len(reason) <= LIMIT else reason[: LIMIT - 1] + "…"
        items = match.groupdict().get("items")
        if items:
            keys = _keys(items, event.from_phase)
            if keys is None:
                # The items passed with this reason when the course left the phase.
                keys = list(
                    ChecklistItem.objects.filter(
                        course_id=event.course_id,
                        phase=event.from_phase,
                        waived_reason=reason,
                    )
                    .order_by("pk")
                    .values_list("key", flat=True)
                )
            # Failing both, the names as the sentence gave them (shown as they are).
            event.unticked_items = keys or [items]
        changed.append(event)
    CourseEvent.objects.bulk_update(changed, ["reason", "unticked_items"], batch_size=500)


class Migration(migrations.Migration):

    dependencies = [
        ('forloeb', '0029_course_history_names'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='courseevent',
            name='reason',
            field=models.TextField(blank=True, max_length=500, validators=[institutioner.validators.validate_no_cpr_plain, institutioner.textlimits.MaxLength(500)], verbose_name='reason'),
        ),
        migrations.AddField(
            model_name='courseevent',
            name='unticked_items',
            field=models.JSONField(blank=True, default=list, verbose_name='not ticked'),
        ),
        migrations.AddConstraint(
            model_name='courseevent',
            constraint=models.CheckConstraint(condition=django.db.models.lookups.LessThanOrEqual(django.db.models.functions.text.Length('reason'), 500), name='course_event_reason_max_500', violation_error_message='The text is too long.'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
