from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"

    def ready(self):
        from cases import hooks
        from letters.sections import letters_case_section

        hooks.case_section(letters_case_section)

        from letters import words

        words.register()
