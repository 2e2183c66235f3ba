"""The allocation dashboards at the demo's scale (`generate_municipality --scale demo`: the five
districts of seed 001, 35 institutions, 9 pedagogists, two years of history), next to the same
hand-written SQL as at the large scale (tests/perf/baseline.py): the same numbers checked first,
then both timed. Printed and saved to bench-results/dashboards_demo.json.

A module of its own: its data is loaded and flushed here, and the large municipality of
test_bench_dashboards is loaded and flushed in that module, so the two never meet.
"""

import pytest

from tests.perf.test_bench_dashboards import compare_dashboards, load_synthetic, unload_synthetic


@pytest.fixture(scope="module")
def demo_scale(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        counts = load_synthetic("demo")
    yield counts
    with django_db_blocker.unblock():
        unload_synthetic()


@pytest.mark.django_db
def test_bench_dashboards_demo_scale(client, demo_scale, settings):
    compare_dashboards(client, settings, demo_scale, scale="demo", result_name="dashboards_demo")
