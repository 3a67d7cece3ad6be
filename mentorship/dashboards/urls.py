from django.urls import path

from mentorship.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.hr, name="hr"),
    path("programs/<int:pk>/", views.program, name="program"),
    path("approaches/", views.compare, name="compare"),
    path("team/", views.team, name="team"),
    path("team/<int:pk>/", views.team, name="team_of"),
    path("mine/", views.mine, name="mine"),
]
