from django.urls import path

from forloeb.dashboards import views

urlpatterns = [
    path("fordeling/", views.dashboard_districts, name="dashboard_districts"),
    path(
        "fordeling/distrikter.<str:fmt>",
        views.dashboard_districts,
        name="dashboard_districts_export",
    ),
    path("fordeling/paedagoger/", views.dashboard_pedagogists, name="dashboard_pedagogists"),
    path(
        "fordeling/paedagoger.<str:fmt>",
        views.dashboard_pedagogists,
        name="dashboard_pedagogists_export",
    ),
    path(
        "fordeling/institutioner/",
        views.dashboard_institutions,
        name="dashboard_institutions",
    ),
    path(
        "fordeling/institutioner.<str:fmt>",
        views.dashboard_institutions,
        name="dashboard_institutions_export",
    ),
    path("fordeling/anmodninger/", views.dashboard_flow, name="dashboard_flow"),
    path(
        "fordeling/anmodninger.<str:fmt>",
        views.dashboard_flow,
        name="dashboard_flow_export",
    ),
    path("fordeling/effekt/", views.dashboard_effect, name="dashboard_effect"),
    path("fordeling/effekt.<str:fmt>", views.dashboard_effect, name="dashboard_effect_export"),
]
