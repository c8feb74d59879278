"""``field__any_of=values``: a long list of values as one query parameter.

Django writes ``field IN (%s, %s, …)``, one placeholder per value; for the thousands of record
ids and codes of an import batch, building that query and having psycopg parse it back cost
more than running it (a third of a batch's database time). On PostgreSQL this writes
``field = ANY(%s)`` and sends the list as one array; an index on the field serves both
forms. Elsewhere (SQLite has no arrays) it is ``__in`` as Django writes it.

Registered on every field when the registry app is ready (RegistryConfig.ready).
"""

from django.core.exceptions import EmptyResultSet
from django.db.models.lookups import In


class AnyOf(In):
    lookup_name = "any_of"

    def as_sql(self, compiler, connection):
        if connection.vendor != "postgresql" or not self.rhs_is_direct_value():
            return super().as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        values = list(dict.fromkeys(v for v in self.rhs if v is not None))
        if not values:
            raise EmptyResultSet
        return f"{lhs} = ANY(%s)", [*lhs_params, values]
