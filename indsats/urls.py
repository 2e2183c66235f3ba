from django.urls import path

from indsats import views

urlpatterns = [
    path("anmodninger/", views.request_list, name="request_list"),
    path("anmodninger/ny/", views.request_create, name="request_create"),
    path("anmodninger/<int:pk>/", views.request_detail, name="request_detail"),
    path("anmodninger/<int:pk>/ret/", views.request_edit, name="request_edit"),
    path("anmodninger/<int:pk>/indsend/", views.request_submit, name="request_submit"),
    path("anmodninger/<int:pk>/traek-tilbage/", views.request_withdraw, name="request_withdraw"),
    path("visitation/", views.triage_queue, name="triage_queue"),
    path("visitation/<int:pk>/", views.triage_detail, name="triage_detail"),
    path("visitation/<int:pk>/accepter/", views.triage_accept, name="triage_accept"),
    path("visitation/<int:pk>/afvis/", views.triage_reject, name="triage_reject"),
    path("visitation/<int:pk>/spoerg/", views.triage_ask_info, name="triage_ask_info"),
    path("visitation/<int:pk>/indsatsmoede/", views.meeting_create, name="meeting_create"),
    path("indsatsmoeder/<int:pk>/flyt/", views.meeting_edit, name="meeting_edit"),
    path("indsatsmoeder/<int:pk>/aflys/", views.meeting_cancel, name="meeting_cancel"),
    path("indsatsmoeder/<int:pk>/kalender.ics", views.meeting_ics, name="meeting_ics"),
    path("anmodninger/<int:pk>/aftale/", views.agreement_start, name="agreement_start"),
    path("aftaler/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("aftaler/<int:pk>/juster/", views.agreement_adjust, name="agreement_adjust"),
    path("aftaler/<int:pk>/forskelle/", views.agreement_diff, name="agreement_diff"),
    path("aftaler/versioner/<int:pk>/ret/", views.agreement_edit, name="agreement_edit"),
    path("aftaler/versioner/<int:pk>/send/", views.agreement_send, name="agreement_send"),
    path("aftaler/versioner/<int:pk>/underskriv/", views.agreement_sign, name="agreement_sign"),
    path("aftaler/versioner/<int:pk>/afvis/", views.agreement_decline, name="agreement_decline"),
    path("aftaler/versioner/<int:pk>/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("aftaler/bekraeft/<str:content_hash>/", views.agreement_verify, name="agreement_verify"),
]
