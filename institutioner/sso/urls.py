from django.urls import path

from institutioner.sso import views

# The names are mozilla-django-oidc's own: the library reverses them.
urlpatterns = [
    path("oidc/log-ind/", views.AuthenticateView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", views.CallbackView.as_view(), name="oidc_authentication_callback"),
    path("saml2/log-ind/", views.SamlLoginView.as_view(), name="saml2_login"),
    path("saml2/acs/", views.SamlAcsView.as_view(), name="saml2_acs"),
    path("saml2/metadata/", views.SamlMetadataView.as_view(), name="saml2_metadata"),
    path("konto/totp/", views.totp, name="totp"),
]
