from django.apps import AppConfig
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail and retention"

    def ready(self):
        from audit import triggers

        # On SQLite a later migration that alters a protected table rebuilds it, which
        # drops its triggers: put them back after every migrate (idempotent).
        post_migrate.connect(triggers.reinstall_after_migrate, sender=self)
