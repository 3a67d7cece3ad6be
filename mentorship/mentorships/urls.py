from django.urls import path

from mentorship.mentorships import views

app_name = "mentorships"
urlpatterns = [
    path("", views.mentorship_list, name="list"),
    path("<int:pk>/", views.detail, name="detail"),
]
