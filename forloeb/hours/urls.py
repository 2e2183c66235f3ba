from django.urls import path

from forloeb.hours import views

urlpatterns = [
    path("timer/", views.hours_home, name="hours"),
    path("timer/uge/<int:year>/<int:week>/", views.week_sheet, name="week_sheet"),
    path("timer/uge/<int:year>/<int:week>/genaabn/", views.week_reopen, name="week_reopen"),
    path(
        "timer/paedagog/<int:pk>/uge/<int:year>/<int:week>/",
        views.week_sheet_of,
        name="week_sheet_of",
    ),
    path("timer/godkendelse/", views.hours_approval, name="hours_approval"),
    path("timer/leveret/", views.hours_delivered, name="hours_delivered"),
    path("timer/eksport.<str:fmt>", views.hours_export, name="hours_export"),
    path("timer/eksport/ny/", views.hours_export_new, name="hours_export_new"),
    path("timer/eksport/<int:pk>/", views.hours_export_status, name="hours_export_status"),
    path("timer/eksport/<int:pk>/fil/", views.hours_export_download, name="hours_export_download"),
]
