from django.urls import path

from institutioner.accessrequests import views

urlpatterns = [
    path("indsigt/", views.access_request_list, name="access_request_list"),
    path("indsigt/ny/", views.access_request_create, name="access_request_create"),
    path("indsigt/<int:pk>/", views.access_request_detail, name="access_request_detail"),
    path("indsigt/<int:pk>/igen/", views.access_request_restart, name="access_request_restart"),
    path("indsigt/<int:pk>/hent/", views.access_request_download, name="access_request_download"),
]
