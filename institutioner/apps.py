from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class InstitutionerConfig(AppConfig):
    default = True
    name = "institutioner"
    verbose_name = _("Organisation")


class LockoutConfig(AxesAppConfig):
    """django-axes with a Danish name in the admin."""

    default = False
    verbose_name = _("Login lockouts")


class MunicipalAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "institutioner.admin_site.MunicipalAdminSite"
