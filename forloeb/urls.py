from django.urls import path

from forloeb import dashboard_views, hour_views, views

urlpatterns = [
    path("forloeb/", views.course_list, name="course_list"),
    path("forloeb/<int:pk>/", views.course_detail, name="course_detail"),
    path("forloeb/<int:pk>/faseskift/", views.course_advance, name="course_advance"),
    path("forloeb/<int:pk>/logbog/", views.course_note_add, name="course_note_add"),
    path("forloeb/<int:pk>/tjekliste/<int:item_id>/", views.course_tick, name="course_tick"),
    path("forloeb/<int:pk>/evalueringer/ny/", views.evaluation_add, name="evaluation_add"),
    path("forloeb/<int:pk>/afslutningsrapport.pdf", views.course_report, name="course_report"),
    path(
        "forloeb/<int:pk>/evalueringer/<int:evaluation_id>/",
        views.evaluation_complete,
        name="evaluation_complete",
    ),
    path("fordeling/", dashboard_views.dashboard_districts, name="dashboard_districts"),
    path(
        "fordeling/distrikter.<str:fmt>",
        dashboard_views.dashboard_districts,
        name="dashboard_districts_export",
    ),
    path(
        "fordeling/paedagoger/", dashboard_views.dashboard_pedagogists, name="dashboard_pedagogists"
    ),
    path(
        "fordeling/paedagoger.<str:fmt>",
        dashboard_views.dashboard_pedagogists,
        name="dashboard_pedagogists_export",
    ),
    path(
        "fordeling/institutioner/",
        dashboard_views.dashboard_institutions,
        name="dashboard_institutions",
    ),
    path(
        "fordeling/institutioner.<str:fmt>",
        dashboard_views.dashboard_institutions,
        name="dashboard_institutions_export",
    ),
    path("fordeling/anmodninger/", dashboard_views.dashboard_flow, name="dashboard_flow"),
    path(
        "fordeling/anmodninger.<str:fmt>",
        dashboard_views.dashboard_flow,
        name="dashboard_flow_export",
    ),
    path("timer/", hour_views.hours_home, name="hours"),
    path("timer/uge/<int:year>/<int:week>/", hour_views.week_sheet, name="week_sheet"),
    path("timer/uge/<int:year>/<int:week>/genaabn/", hour_views.week_reopen, name="week_reopen"),
    path(
        "timer/paedagog/<int:pk>/uge/<int:year>/<int:week>/",
        hour_views.week_sheet_of,
        name="week_sheet_of",
    ),
    path("timer/godkendelse/", hour_views.hours_approval, name="hours_approval"),
    path("timer/leveret/", hour_views.hours_delivered, name="hours_delivered"),
    path("timer/eksport.<str:fmt>", hour_views.hours_export, name="hours_export"),
]
