from django.urls import path

from mentorship.participants import org_views, views

app_name = "participants"
urlpatterns = [
    path("people/", views.directory, name="directory"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/profile/", views.profile, name="profile"),
    path("people/<int:pk>/profile/edit/", views.profile_edit, name="profile_edit"),
    path("profile/", views.my_profile, name="my_profile"),
    path("welcome/", views.onboarding, name="onboarding_start"),
    path("welcome/<int:step>/", views.onboarding, name="onboarding"),
    # HR: the org tree
    path("org/", org_views.tree, name="org_tree"),
    path("org/root/", org_views.root_create, name="org_root_create"),
    path("org/units/", org_views.unit_create, name="org_unit_create"),
    path("org/units/<int:pk>/", org_views.unit, name="org_unit"),
    path("org/units/<int:pk>/<slug:action>/", org_views.unit_change, name="org_unit_change"),
]
