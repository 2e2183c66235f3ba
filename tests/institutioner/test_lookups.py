"""`__any`: the same rows as `__in`, with one array parameter on PostgreSQL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from institutioner.models import Assignment, Institution
from tests import factories


@pytest.fixture
def institutions(db):
    return [factories.InstitutionFactory(name=f"Børnehuset {n}") for n in range(70)]


def _sql_of(queryset) -> tuple[list, str, int]:
    with CaptureQueriesContext(connection) as captured:
        rows = list(queryset)
    queries = captured.captured_queries
    return rows, queries[-1]["sql"] if queries else "", len(queries)


def test_any_gives_the_rows_of_in_with_one_parameter(institutions):
    wanted = [i.pk for i in institutions[5:65]] + [institutions[5].pk, None]
    expected = list(Institution.objects.filter(pk__in=wanted).order_by("pk"))
    assert len(expected) == 60
    rows, sql, _n = _sql_of(Institution.objects.filter(pk__any=wanted).order_by("pk"))
    assert rows == expected
    if connection.vendor == "postgresql":
        assert "= ANY(" in sql and " IN (" not in sql
        # One literal array in the query, not sixty values each a parameter.
        assert sql.count(",") < 60 + 20


def test_any_on_a_relation_and_with_nothing_asked(institutions):
    pedagogist = factories.PedagogistFactory()
    for institution in institutions[:3]:
        factories.AssignmentFactory(pedagogist=pedagogist, institution=institution, share=10)
    factories.AssignmentFactory(institution=institutions[3], share=10)
    mine = Assignment.objects.filter(pedagogist_id__any=[pedagogist.pk]).order_by("pk")
    assert [a.institution_id for a in mine] == [i.pk for i in institutions[:3]]
    by_institution = Assignment.objects.filter(institution__any=[institutions[3].pk])
    assert by_institution.get().institution_id == institutions[3].pk
    # An object stands for its key, as with `__in`.
    by_object = Assignment.objects.filter(institution__any=[institutions[3], None])
    assert by_object.get().institution_id == institutions[3].pk
    # Nothing asked: no rows, and no query.
    rows, _sql, queries = _sql_of(Institution.objects.filter(pk__any=[]))
    assert (rows, queries) == ([], 0)


def test_any_with_a_subquery_is_a_subquery(institutions):
    some = Institution.objects.filter(name__endswith="1").values("pk")
    expected = sorted(i.pk for i in institutions if i.name.endswith("1"))
    rows, sql, _n = _sql_of(Institution.objects.filter(pk__any=some).order_by("pk"))
    assert [i.pk for i in rows] == expected
    assert " IN (SELECT" in sql
