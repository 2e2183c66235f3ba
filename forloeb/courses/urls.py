from django.urls import path

from forloeb.courses import views

urlpatterns = [
    path("forloeb/", views.course_list, name="course_list"),
    path("forloeb/<int:pk>/", views.course_detail, name="course_detail"),
    path("forloeb/<int:pk>/faseskift/", views.course_advance, name="course_advance"),
    path("forloeb/<int:pk>/fase/", views.course_set_phase, name="course_set_phase"),
    path("forloeb/<int:pk>/historik/", views.course_history, name="course_history"),
    path("forloeb/<int:pk>/logbog/", views.course_note_add, name="course_note_add"),
    path("forloeb/<int:pk>/tjekliste/<int:item_id>/", views.course_tick, name="course_tick"),
    path("forloeb/<int:pk>/evalueringer/ny/", views.evaluation_add, name="evaluation_add"),
    path("forloeb/<int:pk>/afslutningsrapport.pdf", views.course_report, name="course_report"),
    path(
        "forloeb/<int:pk>/evalueringer/<int:evaluation_id>/",
        views.evaluation_complete,
        name="evaluation_complete",
    ),
    path(
        "forloeb/<int:pk>/evalueringer/<int:evaluation_id>/slet/",
        views.evaluation_remove,
        name="evaluation_remove",
    ),
    path(
        "forloeb/<int:pk>/evalueringer/<int:evaluation_id>/ret/",
        views.evaluation_correct,
        name="evaluation_correct",
    ),
]
