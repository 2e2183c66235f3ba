from django.urls import path

from forloeb.plan import views

urlpatterns = [
    path("plan/", views.plan_home, name="plan"),
    path("plan/uge/<int:year>/<int:week>/", views.week_plan, name="week_plan"),
    path("plan/fravaer/", views.absence_list, name="absence_list"),
    path("plan/fravaer/ny/", views.absence_create, name="absence_create"),
    path("plan/fravaer/<int:pk>/annuller/", views.absence_cancel, name="absence_cancel"),
    path("plan/fravaer/<int:pk>/forkort/", views.absence_shorten, name="absence_shorten"),
]
urlpatterns += [
    path("forloeb/<int:pk>/plan/aendring/", views.plan_change_create, name="plan_change_create"),
    path("plan/aendring/<int:pk>/accepter/", views.plan_change_accept, name="plan_change_accept"),
    path("plan/aendring/<int:pk>/afvis/", views.plan_change_decline, name="plan_change_decline"),
    path(
        "plan/aendring/<int:pk>/fortryd/", views.plan_change_withdraw, name="plan_change_withdraw"
    ),
]
urlpatterns += [
    path("kalender/", views.calendar_feeds, name="calendar_feeds"),
    path("kalender/ny/", views.calendar_feed_make, name="calendar_feed_make"),
    path("kalender/<int:pk>/stop/", views.calendar_feed_revoke, name="calendar_feed_revoke"),
    path("kalender/<int:pk>/<str:secret>.ics", views.calendar_feed, name="calendar_feed"),
]
