from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "konvergen.linkage"
    verbose_name = "Linkage"
