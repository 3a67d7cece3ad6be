"""The pair's workspace forms, under /mentorships/ next to the workspace page (mentorships:detail).

Reminder emails link to these names, so they are part of the contract: keep them stable.
"""

from django.urls import path

from mentorship.workspace import hr_views, views

app_name = "workspace"
urlpatterns = [
    path("<int:pk>/agreement/", views.agreement, name="agreement"),
    path("<int:pk>/goals/new/", views.goal_create, name="goal_create"),
    path("goals/<int:pk>/edit/", views.goal_edit, name="goal_edit"),
    path("goals/<int:pk>/progress/", views.goal_progress, name="goal_progress"),
    path("<int:pk>/sessions/new/", views.session_log, name="session_log"),
    path("sessions/<int:pk>/", views.session_detail, name="session_detail"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/confirm/", views.session_confirm, name="session_confirm"),
    path("sessions/<int:pk>/rate/", views.session_rate, name="session_rate"),
    path("sessions/<int:pk>/private-note/", views.session_private_note, name="session_private_note"),
    path("<int:pk>/fit/", views.fit_check, name="fit_check"),
    path("<int:pk>/check-in/<str:kind>/", views.check_in, name="check_in"),
    path("<int:pk>/end/", views.end, name="end"),
    path("<int:pk>/end-by-hr/", hr_views.hr_end, name="hr_end"),
    path("<int:pk>/rematch/", hr_views.rematch, name="hr_rematch"),
]
