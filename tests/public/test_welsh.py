"""Complete Welsh: every message a public page, an email or a letter to the applicant uses
has a Welsh translation, and the committed .mo is the compiled .po (issue 19, part 2).

Run without GNU gettext: ``asbcr.catalogue`` reads the .po, lists the messages each file
uses and compiles the .mo in pure Python.
"""

import gettext
import io
from pathlib import Path

from django.conf import settings

from asbcr import catalogue

ROOT = Path(settings.BASE_DIR)
PO = ROOT / "locale" / "cy" / "LC_MESSAGES" / "django.po"

# What the applicant sees: the public pages and their errors, the emails to the applicant,
# and the letters to the applicant (with the parts they share).
PUBLIC_TEMPLATES = [
    "templates/base.html",
    "templates/public/**/*.html",
    "templates/public/**/*.txt",
    "templates/errors/*.html",
    *(
        f"templates/letters/{name}"
        for name in (
            "base.html",
            "_appeal.html",
            "_contact.html",
            "_support.html",
            "cr1.html",
            "cr3.html",
            "cr3a.html",
            "cr4.html",
            "officer.html",
            "delay.html",
            "withdrawal.html",
            "outcome.html",
            "appeal_outcome.html",
        )
    ),
]
STAFF_ONLY_TEMPLATES = {"templates/public/staff/tracking_section.html"}
PUBLIC_PYTHON = [
    "public/explain.py",
    "public/flow.py",
    "public/forms.py",
    "public/selectors.py",
    "public/services.py",
    "public/views/*.py",
    "asbcr/errors.py",
    "asbcr/fields.py",
    "asbcr/files.py",
    "letters/language.py",
    "letters/context.py",
]


def _files(patterns):
    for pattern in patterns:
        yield from sorted(ROOT.glob(pattern))


def used_messages() -> dict[tuple[str | None, str], str]:
    """Each message the applicant can see, and the first file that uses it."""
    found = {}
    for path in _files(PUBLIC_TEMPLATES):
        if str(path.relative_to(ROOT)) in STAFF_ONLY_TEMPLATES:
            continue
        for key in catalogue.template_messages(path):
            found.setdefault(key, str(path.relative_to(ROOT)))
    for path in _files(PUBLIC_PYTHON):
        for key in catalogue.python_messages(path):
            found.setdefault(key, str(path.relative_to(ROOT)))
    return found


def test_the_scan_finds_the_messages_it_should():
    """A scan that finds nothing would pass everything: check it sees known messages."""
    used = used_messages()
    assert (None, "Start now") in used
    assert (None, "Enter a postcode") in used  # from public/forms.py
    assert len(used) > 250


def test_every_message_the_applicant_sees_has_welsh():
    entries = {e.key: e for e in catalogue.read_po(PO) if not e.obsolete}
    missing = []
    for key, where in sorted(used_messages().items(), key=lambda kv: kv[1]):
        entry = entries.get(key)
        if entry is None:
            missing.append(f"{where}: not in the catalogue (run makemessages): {key[1]!r}")
        elif not entry.translated:
            missing.append(f"{where}: no Welsh for {key[1]!r}")
    assert not missing, f"{len(missing)} messages lack Welsh:\n" + "\n".join(missing[:60])


def test_placeholders_survive_translation():
    """A Welsh message keeps every %(name)s of its English one, or it raises KeyError."""
    import re

    name = re.compile(r"%\((\w+)\)[sd]")
    wrong = [
        e.msgid
        for e in catalogue.read_po(PO)
        if e.translated
        and any(set(name.findall(e.msgid)) != set(name.findall(s)) for s in e.msgstr[:1])
    ]
    assert not wrong, wrong


def test_the_committed_mo_is_the_compiled_po():
    compiled = gettext.GNUTranslations(io.BytesIO(catalogue.mo_bytes(catalogue.read_po(PO))))
    committed = gettext.GNUTranslations(PO.with_suffix(".mo").open("rb"))
    stale = {
        k
        for k in set(compiled._catalog) | set(committed._catalog)
        if k and compiled._catalog.get(k) != committed._catalog.get(k)
    }
    assert not stale, (
        f"locale/cy/LC_MESSAGES/django.mo is out of date ({len(stale)} messages): "
        "run `python manage.py compile_catalogue`"
    )


def test_the_compiler_reads_plurals_contexts_and_escapes(tmp_path):
    po = tmp_path / "t.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n'
        '"Plural-Forms: nplurals=4; plural=(n==1) ? 0 : (n==2) ? 1 : (n != 8 && n != 11) ? 2 : 3;\\n"\n\n'
        'msgid "one"\nmsgstr "un"\n\n'
        'msgctxt "month"\nmsgid "May"\nmsgstr "Mai"\n\n'
        '#, fuzzy\nmsgid "guess"\nmsgstr "dyfalu"\n\n'
        'msgid "%(n)d day"\nmsgid_plural "%(n)d days"\n'
        'msgstr[0] "%(n)d diwrnod"\nmsgstr[1] "%(n)d ddiwrnod"\nmsgstr[2] "%(n)d diwrnod"\nmsgstr[3] "%(n)d diwrnod"\n\n'
        'msgid "a \\"quote\\"\\n"\n"and more"\nmsgstr "dyfyniad\\n"\n"a mwy"\n',
        encoding="utf-8",
    )
    t = gettext.GNUTranslations(io.BytesIO(catalogue.mo_bytes(catalogue.read_po(po))))
    assert t.gettext("one") == "un"
    assert t.pgettext("month", "May") == "Mai"
    assert t.gettext("guess") == "guess"  # fuzzy: not used
    assert t.ngettext("%(n)d day", "%(n)d days", 2) == "%(n)d ddiwrnod"
    assert t.gettext('a "quote"\nand more') == "dyfyniad\na mwy"
