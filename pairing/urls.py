from django.urls import path

from pairing import views

app_name = "pairing"
urlpatterns = [
    # HR: runs and review
    path("programs/<int:program_id>/", views.program_runs, name="program_runs"),
    path("programs/<int:program_id>/start/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/status/", views.run_status, name="run_status"),
    path("runs/<int:pk>/cancel/", views.run_cancel, name="run_cancel"),
    path("runs/<int:pk>/retry/", views.run_retry, name="run_retry"),
    path("runs/<int:pk>/proposals/<int:proposal_id>/pin/", views.proposal_pin, name="proposal_pin"),
    path("runs/<int:pk>/proposals/<int:proposal_id>/remove/", views.proposal_remove, name="proposal_remove"),
    path("runs/<int:pk>/manual/", views.manual_pair, name="manual_pair"),
    path("runs/<int:pk>/resolve/", views.run_resolve, name="run_resolve"),
    path("runs/<int:pk>/publish/", views.run_publish, name="run_publish"),
    # Participants
    path("mine/", views.my_matches, name="my_matches"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/respond/", views.proposal_respond, name="proposal_respond"),
    path("programs/<int:program_id>/suggestions/", views.suggestions, name="suggestions"),
    path("programs/<int:program_id>/request/", views.request_create, name="request_create"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("requests/<int:pk>/respond/", views.request_respond, name="request_respond"),
    path("requests/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
]
