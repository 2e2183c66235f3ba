from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ForloebConfig(AppConfig):
    name = "forloeb"
    verbose_name = _("Courses")

    def ready(self) -> None:
        # Registers each room's start page sections.
        from forloeb.courses import services
        from forloeb.courses import startpage as courses_startpage  # noqa: F401
        from forloeb.hours import startpage as hours_startpage  # noqa: F401
        from indsats.hooks import on_agreement_in_force

        # A course opens when its agreement comes into force (indsats cannot import forloeb).
        on_agreement_in_force(services.course_open)
