"""A person's pairs and each pair's workspace page. They keep their names mentorships:list and
mentorships:detail; the pages live with the workspace, the pair itself (model, lifecycle) in
mentorship.mentorships."""

from django.urls import path

from mentorship.workspace import pair_views as views

app_name = "mentorships"
urlpatterns = [
    path("", views.mentorship_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
]
