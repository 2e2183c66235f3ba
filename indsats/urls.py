from django.urls import include, path

urlpatterns = [
    path("", include("indsats.requests.urls")),
    path("", include("indsats.agreements.urls")),
]
urlpatterns += [path("", include("indsats.supportmeetings.urls"))]
