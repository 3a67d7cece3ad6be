from django.apps import AppConfig


class DataRightsConfig(AppConfig):
    name = "mentorship.datarights"
    label = "datarights"
    verbose_name = "Data rights (export and erasure)"
