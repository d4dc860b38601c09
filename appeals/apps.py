from django.apps import AppConfig, apps


class AppealsConfig(AppConfig):
    name = "appeals"

    def ready(self):
        from appeals import sections
        from appeals.steps import appeal_steps
        from cases import hooks

        hooks.case_section(sections.appeals_section, tab="appeals")
        hooks.case_steps(appeal_steps)
        hooks.close_blocker(sections.open_appeal_blocks_closing)

        from appeals.selectors import latest_appeal
        from letters.context import register_latest_appeal

        register_latest_appeal(latest_appeal)

        from appeals.bundle import example_pdf
        from letters.examples import register_example

        register_example("evidence_bundle", example_pdf)
        if apps.is_installed("panels"):
            import appeals.evidence_panels  # noqa: F401  (registers the panels' evidence)
