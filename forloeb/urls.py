from django.urls import include, path

urlpatterns = [
    path("", include("forloeb.courses.urls")),
    path("", include("forloeb.dashboards.urls")),
    path("", include("forloeb.hours.urls")),
    path("", include("forloeb.plan.urls")),
    path("", include("forloeb.voice.urls")),
    path("", include("forloeb.followup.urls")),
    path("", include("forloeb.history.urls")),
    path("", include("forloeb.yearreport.urls")),
]
