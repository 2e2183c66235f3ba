from django.urls import include, path

urlpatterns = [
    path("", include("indsats.requests.urls")),
    path("", include("indsats.agreements.urls")),
    path("", include("indsats.support.urls")),
    path("", include("indsats.supportstats.urls")),
]
urlpatterns += [path("", include("indsats.supportmeetings.urls"))]
