from django.urls import path

from mentorship.participants import views

app_name = "participants"
urlpatterns = [
    path("people/", views.directory, name="directory"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/profile/", views.profile, name="profile"),
    path("people/<int:pk>/profile/edit/", views.profile_edit, name="profile_edit"),
    path("profile/", views.my_profile, name="my_profile"),
    path("welcome/", views.onboarding, name="onboarding_start"),
    path("welcome/<int:step>/", views.onboarding, name="onboarding"),
]
