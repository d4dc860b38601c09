"""Finding cases by what a person remembers about them.

A search finds a case by its reference, the name, address or postcode of anyone on it
(victim, applicant, the people complained about), and words in its incidents'
descriptions and its notes. On PostgreSQL the words are matched by full-text search
(English stemming: "parties" finds "party"); when a search finds nothing, names are
tried again by trigram similarity, so a misspelt name ("Kowalsky") still finds
"Kowalski"; the indexes behind both are made in
``cases/migrations/0010_search_indexes.py``. On SQLite (development and the quick test
run) each word is matched as a substring instead.

The search only narrows ``case_visible_to``: it is an extra filter on the cases the user
may see, never a query of its own.
"""

import re

from django.db import connection
from django.db.models import BooleanField, F, Func, Q, Value
from django.db.models.functions import Replace, Upper

from cases.constants import EventKind
from cases.models import Incident, Perpetrator, Person, TimelineEvent

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?(?:[0-9][A-Z]{0,2})?$")

# Words longer than this, or more of them, are not what anyone types to find a case.
MAX_WORDS = 8
NOTE_KINDS = (EventKind.NOTE, EventKind.CONTACT_ATTEMPT)


class _TextMatches(Func):
    """``to_tsvector('english', column) @@ websearch_to_tsquery('english', words)``,
    written exactly as the GIN expression indexes are, so PostgreSQL uses them."""

    arg_joiner = ") @@ websearch_to_tsquery('english'::regconfig, "
    template = "(to_tsvector('english'::regconfig, %(expressions)s))"
    output_field = BooleanField()


class _NameLike(Func):
    """``words <% name``: the words are like a run of words in the name (pg_trgm's word
    similarity, at its default threshold of 0.6). ``%%`` is how the driver reads ``%``."""

    arg_joiner = " <%% "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _words(query: str) -> list[str]:
    return query.split()[:MAX_WORDS]


def looks_like_postcode(query: str) -> bool:
    """A UK postcode, whole or its first part ("WD6", "wd61aa", "WD6 1AA")."""
    return bool(_POSTCODE.match(query.replace(" ", "").upper()))


def _person_ids(query: str, *, fuzzy: bool = False):
    """People whose name, address or postcode matches; with ``fuzzy`` (PostgreSQL),
    people whose name is like the words (a misspelling)."""
    people = Person.objects.all()
    if fuzzy:
        return people.filter(_NameLike(Value(query), F("name"))).values("pk")
    match = Q(name__icontains=query) | Q(address__icontains=query)
    if looks_like_postcode(query):
        people = people.annotate(postcode_compact=Replace(Upper("postcode"), Value(" "), Value("")))
        match |= Q(postcode_compact__startswith=query.replace(" ", "").upper())
    if connection.vendor != "postgresql":
        words = _words(query)
        if len(words) > 1:  # every word somewhere in the name or the address
            every = Q()
            for word in words:
                every &= Q(name__icontains=word) | Q(address__icontains=word)
            match |= every
    return people.filter(match).values("pk")


def _case_ids_by_words(query: str):
    """Cases whose incidents, notes or people complained about hold the words."""
    if connection.vendor == "postgresql":
        incidents = Incident.objects.filter(_TextMatches(F("description"), Value(query)))
        notes = TimelineEvent.objects.filter(kind__in=NOTE_KINDS).filter(
            _TextMatches(F("reason"), Value(query))
        )
    else:
        incidents = Incident.objects.all()
        notes = TimelineEvent.objects.filter(kind__in=NOTE_KINDS)
        for word in _words(query):
            incidents = incidents.filter(description__icontains=word)
            notes = notes.filter(reason__icontains=word)
    perpetrators = Perpetrator.objects.filter(
        Q(name__icontains=query) | Q(address__icontains=query)
    )
    return (
        incidents.values("case_id"),
        notes.values("case_id"),
        perpetrators.values("case_id"),
    )


def case_search_filter(query: str, *, fuzzy: bool = False) -> Q:
    """The cases a search for ``query`` finds (to be applied to visible cases only).

    ``fuzzy`` is the fallback when the search finds nothing: names like the words, by
    trigram similarity (PostgreSQL only; on SQLite it finds nothing more)."""
    query = " ".join(query.split())
    if not query:
        return Q()
    if fuzzy:
        if connection.vendor != "postgresql":
            return Q(pk__in=[])
        people = _person_ids(query, fuzzy=True)
        return Q(victim_id__in=people) | Q(applicant_id__in=people)
    people = _person_ids(query)
    incidents, notes, perpetrators = _case_ids_by_words(query)
    return (
        Q(reference__icontains=query)
        | Q(victim_id__in=people)
        | Q(applicant_id__in=people)
        | Q(pk__in=incidents.filter(case_id__isnull=False))
        | Q(pk__in=notes)
        | Q(pk__in=perpetrators)
    )
