from django.urls import path

from forloeb.voice import views

urlpatterns = [
    path(
        "forloeb/<int:pk>/evalueringer/<int:evaluation_id>/vurdering/",
        views.rating_answer,
        name="rating_answer",
    ),
    path(
        "forloeb/<int:pk>/evalueringer/<int:evaluation_id>/vurdering/inviter/",
        views.rating_invite,
        name="rating_invite",
    ),
]
