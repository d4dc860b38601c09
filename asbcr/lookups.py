"""Query lookups every model shares, registered once from ``PartnershipsConfig.ready``.

Django already answers ``pk=99999999999999999999`` with "no rows" instead of sending a
number the database cannot hold; ``pk__in=[...]`` (a multiple-choice field, the admin's
permission picker) still sends it, and SQLite raises ``OverflowError``. This ``in``
drops the values no integer column can hold, since they can never match.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            kept = [
                v
                for v in self.rhs
                if not isinstance(v, int)
                or ((low is None or v >= low) and (high is None or v <= high))
            ]
            if not kept and self.rhs:
                raise EmptyResultSet
            self.rhs = kept
        return super().process_rhs(compiler, connection)


def register() -> None:
    IntegerField.register_lookup(IntegerFieldIn)
