from django.apps import AppConfig


class FeedbackConfig(AppConfig):
    name = "mentorship.feedback"
    label = "feedback"
    verbose_name = "Feedback loops"
