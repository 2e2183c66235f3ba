from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndsatsConfig(AppConfig):
    name = "indsats"
    verbose_name = _("Interventions")
