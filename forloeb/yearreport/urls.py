from django.urls import path

from forloeb.yearreport import views

urlpatterns = [
    path("aarsrapport/", views.year_report_list, name="year_report_list"),
    path("aarsrapport/<int:pk>/", views.year_report_status, name="year_report_status"),
    path("aarsrapport/<int:pk>/fil/", views.year_report_download, name="year_report_download"),
]
