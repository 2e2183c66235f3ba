"""`field__any=[…]`: the rows whose field is one of a list, as `__in`, with the list sent to
PostgreSQL as one array parameter (`= ANY(%s)`) instead of one parameter per value.

psycopg keeps the parsed form of a query with at most 50 parameters and parses a longer one
anew on every call; a page of a large municipality asks for the plan changes of a thousand
agreements or the absence of 120 pedagogists, and each value was also a parameter for Django
to build. Other databases (SQLite for the demo) get `IN (…)` as before. Registered for every
field in InstitutionerConfig.ready().
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import Model
from django.db.models.lookups import In


class AnyOf(In):
    lookup_name = "any"

    def get_prep_lookup(self):
        # Objects stand for their keys, as `__in` on a relation takes them.
        if self.rhs_is_direct_value():
            self.rhs = [value.pk if isinstance(value, Model) else value for value in self.rhs]
        return super().get_prep_lookup()

    def as_postgresql(self, compiler, connection):
        if (
            not self.rhs_is_direct_value()
            or self.bilateral_transforms
            or any(hasattr(value, "resolve_expression") for value in self.rhs)
        ):
            # A subquery, expressions in the list or a transform on both sides: as `__in`.
            return super().as_sql(compiler, connection)
        values = [value for value in self.rhs if value is not None]
        if not values:
            raise EmptyResultSet
        lhs, lhs_params = self.process_lhs(compiler, connection)
        field = self.lhs.output_field
        prepared = list(
            dict.fromkeys(
                field.get_db_prep_value(field.get_prep_value(value), connection, prepared=True)
                for value in values
            )
        )
        return f"{lhs} = ANY(%s)", (*lhs_params, prepared)
