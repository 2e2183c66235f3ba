"""Agenda items taken off for a question before 0016 say "taken off (withdrawn)": such an item
was taken off by whichever came first after it was put on the agenda, a question or a
withdrawal, and the application's events say which. Those taken off by a question now say
"waiting for more information", as the ones taken off since do. Forward only: going back
leaves them as they are (0016's choices hold both)."""

from django.db import migrations


def forward(apps, schema_editor):
    AgendaItem = apps.get_model("indsats", "AgendaItem")
    SupportEvent = apps.get_model("indsats", "SupportEvent")
    for item in AgendaItem.objects.filter(status="removed").iterator(chunk_size=500):
        first = (
            SupportEvent.objects.filter(
                application_id=item.application_id,
                kind__in=("question", "withdrawn"),
                created_at__gte=item.added_at,
            )
            .order_by("created_at", "pk")
            .values_list("kind", flat=True)
            .first()
        )
        if first == "question":
            AgendaItem.objects.filter(pk=item.pk).update(status="awaiting_info")


class Migration(migrations.Migration):
    dependencies = [
        ("indsats", "0018_child_fields_cpr_message"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
