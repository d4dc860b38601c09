from django.apps import AppConfig


class PublicConfig(AppConfig):
    name = "public"
    verbose_name = "Public application and tracking"

    def ready(self):
        from django.db.models.signals import post_migrate

        from asbcr.cache import create_cache_tables
        from cases import hooks

        # The public form's rate limits may count in a database cache (production with
        # no CACHE_URL): `migrate` creates its table, so no deployment step is forgotten.
        post_migrate.connect(create_cache_tables, sender=self)
        from public.sections import tracking_section

        hooks.case_section(tracking_section)
