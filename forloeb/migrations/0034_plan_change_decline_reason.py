"""The pedagogist may say why she declines a leader's proposal (PlanChange.decline_reason,
optional): the leader reads it on the course's page and in the message about the decline. Only a
declined proposal has one. Changes declined before have none and read as before."""

import institutioner.textlimits
import institutioner.validators
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('forloeb', '0033_build_interrupted'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalplanchange',
            name='decline_reason',
            field=models.CharField(blank=True, default='', max_length=200, validators=[institutioner.validators.validate_no_cpr_plain, institutioner.textlimits.MaxLength(200)], verbose_name='why it was declined'),
        ),
        migrations.AddField(
            model_name='planchange',
            name='decline_reason',
            field=models.CharField(blank=True, default='', max_length=200, validators=[institutioner.validators.validate_no_cpr_plain, institutioner.textlimits.MaxLength(200)], verbose_name='why it was declined'),
        ),
        migrations.AddConstraint(
            model_name='planchange',
            constraint=models.CheckConstraint(condition=models.Q(('decline_reason', ''), ('status', 'declined'), _connector='OR'), name='plan_change_decline_reason_only_when_declined'),
        ),
    ]
