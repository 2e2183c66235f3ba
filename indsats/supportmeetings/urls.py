from django.urls import path

from indsats.supportmeetings import views

urlpatterns = [
    path("stoette/moeder/", views.visitation_meeting_list, name="visitation_meeting_list"),
    path("stoette/moeder/ny/", views.visitation_meeting_create, name="visitation_meeting_create"),
    path(
        "stoette/moeder/<int:pk>/",
        views.visitation_meeting_detail,
        name="visitation_meeting_detail",
    ),
    path(
        "stoette/moeder/<int:pk>/ret/",
        views.visitation_meeting_edit,
        name="visitation_meeting_edit",
    ),
    path(
        "stoette/moeder/<int:pk>/aflys/",
        views.visitation_meeting_cancel,
        name="visitation_meeting_cancel",
    ),
    path(
        "stoette/moeder/<int:pk>/afholdt/",
        views.visitation_meeting_held,
        name="visitation_meeting_held",
    ),
    path(
        "stoette/moeder/<int:pk>/genvisitation/",
        views.visitation_revisit_place,
        name="visitation_revisit_place",
    ),
    path(
        "stoette/moeder/<int:pk>/punkter/<int:item_id>/afgoer/",
        views.agenda_item_decide,
        name="agenda_item_decide",
    ),
    path(
        "stoette/moeder/<int:pk>/punkter/<int:item_id>/flyt/",
        views.agenda_item_move,
        name="agenda_item_move",
    ),
    path(
        "stoette/moeder/<int:pk>/dagsorden.pdf",
        views.visitation_meeting_agenda_pdf,
        name="visitation_meeting_agenda_pdf",
    ),
    path(
        "stoette/moeder/<int:pk>/referat.pdf",
        views.visitation_meeting_minutes_pdf,
        name="visitation_meeting_minutes_pdf",
    ),
    path(
        "stoette/moeder/<int:pk>/kalender.ics",
        views.visitation_meeting_ics,
        name="visitation_meeting_ics",
    ),
    path(
        "stoette/afgoerelser/<int:pk>/brev.pdf",
        views.support_decision_letter,
        name="support_decision_letter",
    ),
]
