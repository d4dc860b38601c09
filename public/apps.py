from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "Public application and tracking"

    def ready(self):
        from cases import hooks
        from public.sections import tracking_section

        hooks.case_section(tracking_section)
