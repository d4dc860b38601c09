"""Sessions in the database as Django keeps them, written once for each change.

Django's database sessions look a new key up before inserting it, and the session
middleware writes a changed session again at the end of the request even when a view
has just written it. Here a new key is inserted straight away (``create`` inserts with
``must_create`` and takes another key if one ever clashes: 32 characters of 36, so it
never has to), and a write is skipped when this request has already committed the very
same key and data. So a view can write the session in its own transaction, with the
rows it belongs to (the public form's first post writes the draft and the session that
holds its token in one commit), and the middleware still sets the cookie.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.db import router, transaction
from django.utils.crypto import get_random_string


class SessionStore(db.SessionStore):
    """Django's database session store, without the look-up before a new key and
    without writing again what this request has committed already."""

    _written = None

    def _get_new_session_key(self):
        return get_random_string(32, VALID_KEY_CHARS)

    def _state(self) -> tuple:
        # The data as it would be stored, so a list changed in place counts as a change.
        return self.session_key, self.serializer().dumps(self._get_session(no_load=True))

    def save(self, must_create=False):
        if self.session_key is not None and not must_create and self._written == self._state():
            return
        super().save(must_create=must_create)
        if self.session_key is not None:
            state = self._state()
            # Only once committed: a write rolled back with its transaction is made again.
            transaction.on_commit(
                lambda: setattr(self, "_written", state), using=router.db_for_write(self.model)
            )

    def delete(self, session_key=None):
        self._written = None
        super().delete(session_key)
