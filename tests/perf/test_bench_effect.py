"""The effect figures at the scale of a large municipality (`make bench`): the same numbers as
plain aggregates over the database, the same number of queries for every grouping, and the
time of each grouping through Django's test client: warm (the facts of every course in the
cache, as within EFFECT_CACHE_SECONDS) and cold (the first request after the cache is cleared).
Saved to bench-results/effect.json."""

import json
import statistics
import time
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Avg

from forloeb.models import EvaluationKind, EvaluationStatus, GoalAssessment, InstitutionRating
from institutioner.models import User
from tests.perf.conftest import RESULTS
from tests.perf.test_bench_dashboards import large  # noqa: F401 - the module's data

ROUNDS, WARMUP = 30, 3


class _queries:
    """An execute wrapper that keeps the statements."""

    def __init__(self):
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)


def _ms(client, url, params):
    for _ in range(WARMUP):
        assert client.get(url, params).status_code == 200
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        client.get(url, params)
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings), statistics.quantiles(timings, n=20)[18]


@pytest.mark.django_db
def test_bench_effect(client, large):  # noqa: F811
    client.force_login(User.objects.get(email="forvaltning@syntetisk.dk"))
    page = client.get("/fordeling/effekt/")
    total = page.context["total"]
    finals = GoalAssessment.objects.filter(
        evaluation__kind=EvaluationKind.FINAL, evaluation__status=EvaluationStatus.COMPLETED
    )
    expected = finals.aggregate(mean=Avg("scale"))["mean"]
    assert total.attainment == Decimal(expected).quantize(Decimal("0.01"))
    ratings = InstitutionRating.objects.filter(evaluation__status=EvaluationStatus.COMPLETED)
    assert total.ratings == ratings.count() > 1000
    means = ratings.aggregate(mean=Avg("collaboration"))["mean"]
    assert total.area_means[0] == Decimal(means).quantize(Decimal("0.01"))
    table = []
    counts, cold_counts = set(), set()
    for dimension in ("district", "institution", "theme", "method", "focus", "pedagogist"):
        # Cold: the first request after the cached facts are gone computes everyone's.
        cache.clear()
        cold_queries = _queries()
        start = time.perf_counter()
        with connection.execute_wrapper(cold_queries):
            assert client.get("/fordeling/effekt/", {"efter": dimension}).status_code == 200
        cold = (time.perf_counter() - start) * 1000
        cold_counts.add(len(cold_queries.sql))
        queries = _queries()
        with connection.execute_wrapper(queries):
            client.get("/fordeling/effekt/", {"efter": dimension})
        counts.add(len(queries.sql))
        median, p95 = _ms(client, "/fordeling/effekt/", {"efter": dimension})
        table.append(
            {
                "grouping": dimension,
                "median_ms": round(median, 1),
                "p95_ms": round(p95, 1),
                "queries": len(queries.sql),
                "cold_ms": round(cold, 1),
                "cold_queries": len(cold_queries.sql),
            }
        )
    assert len(counts) == 1 and len(cold_counts) == 1, table
    result = {"name": "effect", "database": connection.vendor, "data": large, "pages": table}
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "effect.json").write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"\nEffect figures, --scale large ({large}):")
    print(f"{'grouping':<14}{'median':>10}{'p95':>9}{'queries':>9}{'cold':>10}{'queries':>9}")
    for row in table:
        print(
            f"{row['grouping']:<14}{row['median_ms']:>10}{row['p95_ms']:>9}{row['queries']:>9}"
            f"{row['cold_ms']:>10}{row['cold_queries']:>9}"
        )


@pytest.mark.django_db
def test_bench_year_report(large):  # noqa: F811
    """Last year's yearly report on the same data: its courses are the plain count of the
    courses running in the year, its queries do not grow with the data, and the sections and
    the PDF are timed (three rounds: a report is made a few times a year)."""
    from django.utils import timezone

    from forloeb.yearreport import pdf, selectors
    from institutioner.models import Institution

    year = timezone.localdate().year - 1
    institutions = Institution.objects.all()
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        sections = selectors.report_sections(year, institutions)
    assert (
        sections["interventions"]["courses"]
        == selectors.courses_of_year(year, institutions).count()
        > 100
    )
    timings, sizes = [], []
    for _ in range(3):
        start = time.perf_counter()
        made = selectors.report_sections(year, institutions)
        data = pdf.year_report_pdf(year, made, made_on=timezone.localdate())
        timings.append((time.perf_counter() - start) * 1000)
        sizes.append(len(data))
    result = {
        "name": "year_report",
        "database": connection.vendor,
        "year": year,
        "courses": sections["interventions"]["courses"],
        "queries": len(queries),
        "median_ms": round(statistics.median(timings), 1),
        "max_ms": round(max(timings), 1),
        "pdf_bytes": sizes[-1],
    }
    (RESULTS / "year_report.json").write_text(
        json.dumps(result, indent=2, ensure_ascii=False) + "\n"
    )
    print(f"\nYearly report, --scale large: {result}")
