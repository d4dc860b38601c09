from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Data protection"

    def ready(self):
        from cases import hooks
        from privacy.sections import personal_details_section

        hooks.case_section(personal_details_section)
