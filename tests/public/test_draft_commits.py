"""A new application's first post: how many times it writes and commits."""

import pytest
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from asbcr.sessions import SessionStore
from public.models import DraftApplication
from public.views import SESSION_DRAFT


def test_the_service_keeps_sessions_in_this_store(settings):
    assert settings.SESSION_ENGINE == "asbcr.sessions"
    assert issubclass(SessionStore, DjangoSessionStore)


@pytest.mark.django_db(transaction=True)
def test_the_draft_and_the_session_that_holds_it_are_written_in_one_transaction(reference):
    client = Client()
    client.get("/apply/postcode/")
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/apply/postcode/", {"postcode": "WD6 1AA"})
    assert response.status_code == 302
    statements = [q["sql"] for q in queries.captured_queries]
    session_writes = [s for s in statements if "django_session" in s and "SELECT" not in s]
    assert len(session_writes) == 1 and session_writes[0].startswith("INSERT")
    assert not [s for s in statements if s.startswith("SELECT") and "django_session" in s]
    draft_insert = next(i for i, s in enumerate(statements) if 'INSERT INTO "public_draft' in s)
    session_insert = statements.index(session_writes[0])
    between = statements[draft_insert:session_insert]
    assert not [s for s in between if s in ("COMMIT", "BEGIN") or s.startswith("BEGIN")]
    # The browser has the session, and it opens the draft.
    session = client.session
    assert DraftApplication.objects.filter(pk__isnull=False).count() == 1
    assert session[SESSION_DRAFT]
    assert client.get("/apply/case-review/").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_session_changed_after_it_was_written_is_written_again():
    store = SessionStore()
    store["answers"] = ["one"]
    store.save()
    store["answers"].append("two")  # changed in place, after the write
    store.save()
    assert SessionStore(store.session_key).load() == {"answers": ["one", "two"]}


@pytest.mark.django_db(transaction=True)
def test_a_write_rolled_back_is_not_taken_as_made():
    """The next save tries again (and, as with Django's own store, finds no row)."""
    store = SessionStore()
    store["k"] = 1
    with pytest.raises(RuntimeError), transaction.atomic():
        store.save()
        raise RuntimeError
    with pytest.raises(UpdateError):
        store.save()


@pytest.mark.django_db(transaction=True)
def test_a_deleted_session_is_not_taken_as_written():
    store = SessionStore()
    store["k"] = 1
    store.save()
    store.delete()
    with pytest.raises(UpdateError):
        store.save()
