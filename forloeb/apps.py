from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForloebConfig(AppConfig):
    name = "forloeb"
    verbose_name = _("Courses")

    def ready(self) -> None:
        # Registers the demo's course and the start page section.
        from forloeb import demo, services, startpage  # noqa: F401
        from indsats.hooks import on_agreement_in_force

        # A course opens when its agreement comes into force (indsats cannot import forloeb).
        on_agreement_in_force(services.course_open)
