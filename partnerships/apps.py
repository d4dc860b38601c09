from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Areas, agencies and people"

    def ready(self):
        from asbcr import lookups

        lookups.register()
