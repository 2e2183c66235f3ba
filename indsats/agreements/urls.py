from django.urls import path

from indsats.agreements import views

urlpatterns = [
    path("anmodninger/<int:pk>/aftale/", views.agreement_start, name="agreement_start"),
    path("aftaler/<int:pk>/", views.agreement_detail, name="agreement_detail"),
    path("aftaler/<int:pk>/juster/", views.agreement_adjust, name="agreement_adjust"),
    path("aftaler/<int:pk>/forskelle/", views.agreement_diff, name="agreement_diff"),
    path("aftaler/<int:pk>/historik/", views.agreement_history, name="agreement_history"),
    path("aftaler/versioner/<int:pk>/ret/", views.agreement_edit, name="agreement_edit"),
    path("aftaler/versioner/<int:pk>/send/", views.agreement_send, name="agreement_send"),
    path("aftaler/versioner/<int:pk>/underskriv/", views.agreement_sign, name="agreement_sign"),
    path("aftaler/versioner/<int:pk>/afvis/", views.agreement_decline, name="agreement_decline"),
    path("aftaler/versioner/<int:pk>/pdf/", views.agreement_pdf, name="agreement_pdf"),
    path("aftaler/bekraeft/<str:content_hash>/", views.agreement_verify, name="agreement_verify"),
]
