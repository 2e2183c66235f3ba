from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndsatsConfig(AppConfig):
    name = "indsats"
    verbose_name = _("Interventions")

    def ready(self) -> None:
        # Register the start page sections.
        from indsats.agreements import startpage as agreements_startpage  # noqa: F401
        from indsats.requests import startpage as requests_startpage  # noqa: F401
        from indsats.support import startpage as support_startpage  # noqa: F401
        from indsats.supportmeetings import startpage as supportmeetings_startpage  # noqa: F401

        # isort: split
        # What the rooms register with the organisation: menu entries and notification kinds.
        # The maker of the signed agreement's kept PDF (institutioner/files/).
        # Its pages in the access log (institutioner/accesslog/).
        from indsats import access
        from indsats.agreements import (
            documents,  # noqa: F401
            masterdata,  # noqa: F401 (its Stamdata warnings)
        )
        from indsats.agreements import notifications as agreements_notifications  # noqa: F401
        from indsats.requests import menu as requests_menu  # noqa: F401
        from indsats.requests import notifications as requests_notifications  # noqa: F401
        from indsats.support import menu as support_menu  # noqa: F401
        from indsats.support import notifications as support_notifications  # noqa: F401
        from indsats.supportmeetings import documents as supportmeetings_documents  # noqa: F401
        from indsats.supportmeetings import menu as supportmeetings_menu  # noqa: F401
        from indsats.supportmeetings import (  # noqa: F401
            notifications as supportmeetings_notifications,
        )
        from indsats.supportstats import menu as supportstats_menu  # noqa: F401
        from institutioner.accesslog import rules as access_log

        access_log.register(access.ACCESS_LOG)
        access_log.register_query_keys(access.ACCESS_LOG_QUERY_KEYS)

        # Its part of an access request (institutioner/accessrequests/).
        from indsats.agreements import insight as agreements_insight  # noqa: F401
        from indsats.requests import insight as requests_insight  # noqa: F401
        from indsats.support import insight as support_insight  # noqa: F401

        # isort: split
        # Its retention steps (institutioner/retention/).
        from indsats.requests import retention  # noqa: F401
        from indsats.support import retention as support_retention  # noqa: F401
        from indsats.supportmeetings import retention as supportmeetings_retention  # noqa: F401
