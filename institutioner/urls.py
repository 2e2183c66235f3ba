from django.urls import path

from institutioner import notification_views, views

urlpatterns = [
    path("", views.start, name="start"),
    path("institutioner/<int:pk>/", views.institution_detail, name="institution_detail"),
    path("distrikter/<int:pk>/", views.district_detail, name="district_detail"),
    path("paedagoger/<int:pk>/", views.pedagogist_detail, name="pedagogist_detail"),
    path("notifikationer/", notification_views.notification_list, name="notifications"),
    path(
        "notifikationer/<int:pk>/", notification_views.notification_open, name="notification_open"
    ),
    path(
        "notifikationer/indstillinger/",
        notification_views.notification_settings,
        name="notification_settings",
    ),
    path("drift/", notification_views.operations, name="operations"),
    path("drift/tidsplaner/<int:pk>/", notification_views.schedule_edit, name="schedule_edit"),
    path("healthz/", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
]
