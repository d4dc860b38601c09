from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "Case reviews"

    def ready(self):
        from cases import words

        words.register()
