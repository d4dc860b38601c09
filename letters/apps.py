from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"

    def ready(self):
        from cases import hooks
        from letters.hooks import outcome_evidence
        from letters.sections import letters_case_section
        from letters.steps import letter_steps

        hooks.case_section(letters_case_section, tab="letters")
        hooks.case_steps(letter_steps)
        hooks.transition_evidence("send_outcome", outcome_evidence)

        from letters import words

        words.register()
