from django.urls import path

from institutioner.operations import views

urlpatterns = [
    path("drift/", views.operations, name="operations"),
    path("drift/sletning/", views.retention_preview, name="retention_preview"),
    path("drift/tidsplaner/<int:pk>/", views.schedule_edit, name="schedule_edit"),
    path("healthz/", views.healthz, name="healthz"),
    path("healthz/live/", views.healthz_live, name="healthz_live"),
]
