from django.urls import path

from mentorship.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("dev/outbox/", views.outbox, name="outbox"),
]
