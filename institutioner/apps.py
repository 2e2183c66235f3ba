from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPAppConfig


class InstitutionerConfig(AppConfig):
    default = True
    name = "institutioner"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from django.contrib.auth import user_logged_in
        from django.contrib.auth.models import update_last_login
        from django.db.models.signals import post_migrate

        from institutioner.operations.schedules import install_after_migrate
        from institutioner.services import user_touch_last_login

        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="schedules")

        # A hung database server ends a web request's wait too (README: Reliability).
        from django.db.backends.signals import connection_created

        from institutioner.dbhang import on_connection_created

        connection_created.connect(on_connection_created, dispatch_uid="dbhang")

        # `field__any=[…]`: one array parameter on PostgreSQL instead of one per value.
        from django.db.models import Field, ForeignObject

        from institutioner.lookups import AnyOf

        Field.register_lookup(AnyOf)
        ForeignObject.register_lookup(AnyOf)  # relations keep lookups of their own

        # Calendar lines written without icalendar's slow character walk (same bytes).
        from institutioner import icalfold

        icalfold.install()

        # The organisation's pages in the access log (each app registers its own).
        from institutioner import access
        from institutioner.accesslog import rules as access_log

        access_log.register(access.ACCESS_LOG)
        access_log.register_query_keys(access.access_log_query_keys())
        access_log.register_titles(access.ACCESS_LOG_TITLES)

        # The organisation's part of an access request, and the log's menu entry.
        from institutioner.accesslog import menu as access_log_menu  # noqa: F401
        from institutioner.accessrequests import organisation  # noqa: F401

        # The nightly retention run and the organisation's own steps (the access log, the
        # outbox); the other apps register theirs (institutioner/retention/).
        from institutioner.retention import schedules as retention_schedules  # noqa: F401
        from institutioner.retention import steps as retention_steps  # noqa: F401

        # Django saves the whole user to note the login time, which would add an empty row to
        # the user's history at every login; an UPDATE of the one column does not.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        user_logged_in.connect(user_touch_last_login, dispatch_uid="update_last_login")

        # `manage.py check --deploy`: the site's address and allowed hosts.
        from institutioner import checks  # noqa: F401


class LockoutConfig(AxesAppConfig):
    """django-axes with a Danish name in the admin."""

    default = False
    verbose_name = _("Login lockouts")


class AuthenticatorConfig(TOTPAppConfig):
    """django-otp's TOTP devices (the administration's authenticator apps) with Danish names in
    Stamdata. The model's name is a plain English string in django-otp, so it is set here; its
    Meta (`original_attrs`, what migrations read) is left alone, so no migration follows."""

    default = False
    verbose_name = _("Two-step login")

    def ready(self) -> None:
        super().ready()
        options = self.get_model("TOTPDevice")._meta
        options.verbose_name = _("authenticator app")
        options.verbose_name_plural = _("authenticator apps")


class MunicipalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "institutioner.admin_site.MunicipalAdminSite"
