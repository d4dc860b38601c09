from django.apps import AppConfig


class AppealsConfig(AppConfig):
    name = "appeals"

    def ready(self):
        from appeals import sections
        from cases import hooks

        hooks.case_section(sections.appeals_section)
        hooks.close_blocker(sections.open_appeal_blocks_closing)
