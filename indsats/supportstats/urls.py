from django.urls import path

from indsats.supportstats import views

urlpatterns = [
    path("stoette/statistik/", views.support_statistics_page, name="support_statistics"),
    path(
        "stoette/statistik.<str:fmt>",
        views.support_statistics_page,
        name="support_statistics_export",
    ),
]
