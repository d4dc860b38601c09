from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "work"
    verbose_name = "Work queues and notifications"

    def ready(self):
        from cases import hooks
        from deadlines.notifications import register_digest
        from work import notifications, views

        hooks.after_transition(notifications.on_case_transition)
        hooks.work_arrived(notifications.on_work_arrived)
        hooks.case_section(views.case_responses_section)
        register_digest(notifications.digest_deadline_messages)
