from django.urls import path

from forloeb.followup import views

urlpatterns = [
    path("opfoelgning/", views.follow_up_list, name="follow_up_list"),
    path("opfoelgning/<int:pk>/", views.follow_up_answer, name="follow_up_answer"),
]
