from django.urls import path

from mentorship.datarights import views

app_name = "datarights"
urlpatterns = [
    path("me/data/", views.my_data, name="my_data"),
    path("me/data/export/", views.export_request, name="export_request"),
    path("me/data/exports/<int:pk>/", views.export_detail, name="export"),
    path("me/data/exports/<int:pk>/download/", views.export_download, name="download"),
    path("hr/people/<int:pk>/erase/", views.erase, name="erase"),
]
