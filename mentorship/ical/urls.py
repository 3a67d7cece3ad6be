from django.urls import path

from mentorship.ical import views

app_name = "ical"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("feed/<str:token>.ics", views.feed, name="feed"),
    path("feed/reset/", views.feed_reset, name="feed_reset"),
    path("sessions/<int:pk>.ics", views.session_ics, name="session_ics"),
    path("meetings/<int:pk>.ics", views.meeting_ics, name="meeting_ics"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("mentorships/<int:pk>/plan/", views.meeting_plan, name="meeting_plan"),
    path("mentorships/<int:pk>/check-ins/<str:kind>.ics", views.check_in_ics, name="check_in_ics"),
]
