from django.urls import include, path

urlpatterns = [
    path("", include("indsats.requests.urls")),
    path("", include("indsats.agreements.urls")),
    path("", include("indsats.supportstats.urls")),
]
