from django.urls import path

from indsats.support import views

urlpatterns = [
    path("stoette/", views.support_list, name="support_list"),
    path("stoette/ny/", views.support_create, name="support_create"),
    path("stoette/<int:pk>/", views.support_detail, name="support_detail"),
    path("stoette/<int:pk>/ret/", views.support_edit, name="support_edit"),
    path("stoette/<int:pk>/indsend/", views.support_submit, name="support_submit"),
    path("stoette/<int:pk>/traek-tilbage/", views.support_withdraw, name="support_withdraw"),
    path("stoette/<int:pk>/slet/", views.support_draft_delete, name="support_draft_delete"),
    path("stoette/<int:pk>/svar/", views.support_answer, name="support_answer"),
    path("stoette/<int:pk>/spoerg/", views.support_ask, name="support_ask"),
    path("stoette/<int:pk>/personer/", views.support_person_add, name="support_person_add"),
    path(
        "stoette/<int:pk>/dokumenter/ny/",
        views.support_document_create,
        name="support_document_create",
    ),
    path(
        "stoette/dokumenter/<int:pk>/slet/",
        views.support_document_delete,
        name="support_document_delete",
    ),
    path(
        "stoette/dokumenter/<int:pk>/",
        views.support_document_download,
        name="support_document_download",
    ),
]
