from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Areas, agencies and people"

    def ready(self):
        # Staff accounts live here, so their sign-in rules are registered here too.
        from asbcr.signin import checks, middleware  # noqa: F401

        checks.warn_at_start_up()

        from asbcr import lookups

        lookups.register()

        from asbcr import words
        from partnerships.selectors import agency_name_for_slug

        words.register_labels("agency", agency_name_for_slug)
