from django.urls import path

from mentorship.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("template.csv", views.template_csv, name="template"),
    path("<int:pk>/", views.preview, name="preview"),
    path("<int:pk>/columns/", views.columns, name="columns"),
    path("<int:pk>/confirm/", views.confirm, name="confirm"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/result/", views.result, name="result"),
    path("<int:pk>/retry/", views.retry, name="retry"),
]
