from django.urls import path

from indsats.requests import views

urlpatterns = [
    path("anmodninger/", views.request_list, name="request_list"),
    path("anmodninger/ny/", views.request_create, name="request_create"),
    path("anmodninger/<int:pk>/", views.request_detail, name="request_detail"),
    path("anmodninger/<int:pk>/ret/", views.request_edit, name="request_edit"),
    path("anmodninger/<int:pk>/indsend/", views.request_submit, name="request_submit"),
    path("anmodninger/<int:pk>/traek-tilbage/", views.request_withdraw, name="request_withdraw"),
    path("anmodninger/<int:pk>/kopier/", views.request_copy, name="request_copy"),
    path("anmodninger/<int:pk>/slet/", views.request_draft_delete, name="request_draft_delete"),
    path("visitation/", views.triage_queue, name="triage_queue"),
    path("visitation/<int:pk>/", views.triage_detail, name="triage_detail"),
    path("visitation/<int:pk>/accepter/", views.triage_accept, name="triage_accept"),
    path("visitation/<int:pk>/afvis/", views.triage_reject, name="triage_reject"),
    path("visitation/<int:pk>/spoerg/", views.triage_ask_info, name="triage_ask_info"),
    path("visitation/<int:pk>/indsatsmoede/", views.meeting_create, name="meeting_create"),
    path("indsatsmoeder/<int:pk>/flyt/", views.meeting_edit, name="meeting_edit"),
    path("indsatsmoeder/<int:pk>/aflys/", views.meeting_cancel, name="meeting_cancel"),
    path("indsatsmoeder/<int:pk>/kalender.ics", views.meeting_ics, name="meeting_ics"),
]
