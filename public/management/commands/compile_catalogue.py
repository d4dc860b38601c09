"""Compile every locale/*/LC_MESSAGES/*.po to the .mo Django loads, in pure Python (no
GNU gettext needed): ``manage.py compile_catalogue``."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from asbcr.catalogue import compile_po


class Command(BaseCommand):
    help = "Compile the translation catalogues (.po to .mo) without GNU gettext."

    def handle(self, *args, **options):
        for root in settings.LOCALE_PATHS:
            for po in sorted(Path(root).glob("*/LC_MESSAGES/*.po")):
                mo = compile_po(po)
                self.stdout.write(f"{po.relative_to(settings.BASE_DIR)} -> {mo.name}")
