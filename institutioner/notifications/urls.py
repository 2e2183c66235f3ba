from django.urls import path

from institutioner.notifications import views

urlpatterns = [
    path("notifikationer/", views.notification_list, name="notifications"),
    path("notifikationer/<int:pk>/", views.notification_open, name="notification_open"),
    path(
        "notifikationer/indstillinger/",
        views.notification_settings,
        name="notification_settings",
    ),
]
