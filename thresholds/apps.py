from django.apps import AppConfig


class ThresholdsConfig(AppConfig):
    name = "thresholds"

    def ready(self):
        from cases import hooks
        from thresholds.hooks import threshold_case_section
        from thresholds.steps import threshold_steps

        hooks.case_section(threshold_case_section, tab="threshold")
        hooks.case_steps(threshold_steps)
