from django.urls import include, path

from institutioner import views

urlpatterns = [
    path("", views.start, name="start"),
    path("institutioner/<int:pk>/", views.institution_detail, name="institution_detail"),
    path("distrikter/<int:pk>/", views.district_detail, name="district_detail"),
    path("paedagoger/<int:pk>/", views.pedagogist_detail, name="pedagogist_detail"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("", include("institutioner.notifications.urls")),
    path("", include("institutioner.operations.urls")),
    path("", include("institutioner.sso.urls")),
    path("", include("institutioner.accesslog.urls")),
    path("", include("institutioner.accessrequests.urls")),
]
