from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Case reviews"

    def ready(self):
        from cases import words

        words.register()

        import cases.steps  # noqa: F401  (registers the hub's own steps of the task list)
