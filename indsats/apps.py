from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndsatsConfig(AppConfig):
    name = "indsats"
    verbose_name = _("Interventions")

    def ready(self) -> None:
        # Register the start page sections.
        from indsats.agreements import startpage as agreements_startpage  # noqa: F401
        from indsats.requests import startpage as requests_startpage  # noqa: F401
