from django.urls import path

from forloeb.history import views

urlpatterns = [
    path(
        "laeringsmiljoe/institution/<int:pk>/",
        views.history_institution,
        name="history_institution",
    ),
    path("laeringsmiljoe/stue/<int:pk>/", views.history_group, name="history_group"),
]
