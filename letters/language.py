"""Which language a letter to the applicant is written in: English, Welsh, or both.

Areas in Wales offer every letter to the applicant in Welsh (the Welsh Language Standards
ask public bodies in Wales to correspond in Welsh with anyone who wishes, and to send
bilingual letters otherwise). The Welsh letters are templates of their own under
``templates/letters/cy/``; a bilingual letter is the Welsh letter followed by the English
one, on a new page, in one PDF. Letters to an agency (the CR5) stay in English.

The default for a case in Wales is Welsh when the applicant asked for Welsh (applied on the
Welsh pages, or wrote Welsh as the language they prefer), else bilingual; staff choose
another on the send page. Elsewhere letters are in English.
"""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from letters.constants import TEMPLATES, LetterKind

# The language the public pages record on an applicant who applied in Welsh.
WELSH_PREFERENCE = "Cymraeg (Welsh)"
_WELSH = re.compile(r"\b(welsh|cymraeg|cymreig)\b", re.IGNORECASE)


class LetterLanguage(models.TextChoices):
    ENGLISH = "en", _("English")
    WELSH = "cy", _("Welsh (Cymraeg)")
    BILINGUAL = "cy+en", _("Welsh and English (bilingual)")


# Letters written to an agency, not to the applicant or victim: English only.
ENGLISH_ONLY = {LetterKind.CR5}


def offers_welsh(area) -> bool:
    return getattr(area, "nation", "") == "wales"


def languages_for(*, area, kind) -> list[str]:
    """The languages this letter can be sent in for this area, the default first."""
    if not offers_welsh(area) or LetterKind(kind) in ENGLISH_ONLY:
        return [LetterLanguage.ENGLISH]
    return [LetterLanguage.BILINGUAL, LetterLanguage.WELSH, LetterLanguage.ENGLISH]


def wants_welsh(person) -> bool:
    return bool(person is not None and _WELSH.search(getattr(person, "language", "") or ""))


def default_language(*, case, kind) -> str:
    offered = languages_for(area=case.area, kind=kind)
    if len(offered) == 1:
        return offered[0]
    person = case.victim if kind == LetterKind.CR4 and case.victim_id else case.applicant
    return LetterLanguage.WELSH if wants_welsh(person) else LetterLanguage.BILINGUAL


def welsh_template(kind) -> str:
    return TEMPLATES[LetterKind(kind)].replace("letters/", "letters/cy/", 1)


def choose(*, case, kind, language: str | None) -> str:
    """The language asked for if this area and letter can have it, else the default."""
    offered = languages_for(area=case.area, kind=kind)
    if language in offered:
        return language
    if language:
        raise ValueError(f"This letter cannot be sent in {language!r} in {case.area}.")
    return default_language(case=case, kind=kind)


def join_bilingual(welsh_html: str, english_html: str) -> str:
    """One document: the Welsh letter, then the English letter from a new page."""
    start = english_html.index(">", english_html.index("<body")) + 1
    end = english_html.rindex("</body>")
    english_body = english_html[start:end]
    cut = welsh_html.rindex("</body>")
    return (
        welsh_html[:cut]
        + '<div class="bilingual-english" lang="en" style="break-before: page">'
        + english_body
        + "</div>"
        + welsh_html[cut:]
    )
