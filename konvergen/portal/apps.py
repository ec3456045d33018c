from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "konvergen.portal"
    verbose_name = "Portal publik"
