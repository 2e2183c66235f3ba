from django.urls import path

from institutioner.accesslog import views

urlpatterns = [
    path("opslagslog/", views.access_log_search, name="access_log_search"),
    path("opslagslog/csv/", views.access_log_export, name="access_log_export"),
    path(
        "hvem-har-set-mine-oplysninger/",
        views.access_log_mine,
        name="access_log_mine",
    ),
]
