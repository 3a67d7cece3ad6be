from django.urls import path

from mentorship.feedback import views

app_name = "feedback"
urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("hr/delivery-failures/", views.delivery_failures, name="delivery_failures"),
]
