"""Core's own pages. The project's urls.py serves them in the `core` namespace together with the
start page (core:home), which lives in programs: core imports no other project app."""

from django.urls import path

from mentorship.core import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("dev/outbox/", views.outbox, name="outbox"),
]
