"""Benchmarks: run with `make bench`, not part of `make test`. Results go to bench-results/."""

import json
import statistics
import time
from pathlib import Path

import pytest
from django.db import connection

RESULTS = Path(__file__).resolve().parents[2] / "bench-results"


@pytest.fixture(autouse=True)
def session_renewed_as_in_production(settings):
    # The benchmarks time pages as production serves them: a session in use is written at most
    # once a minute (the suite's conftest renews it on every request, to count queries).
    from config import settings as production

    settings.SESSION_RENEW_SECONDS = production.SESSION_RENEW_SECONDS


@pytest.fixture
def bench():
    """Time a callable a number of rounds; print and save min/median/max in milliseconds."""

    def run(name: str, func, *, rounds: int = 30, warmup: int = 3, **facts):
        """Also returns the result, so a benchmark can add to the saved numbers."""
        for _ in range(warmup):
            func()
        timings = []
        for _ in range(rounds):
            start = time.perf_counter()
            func()
            timings.append((time.perf_counter() - start) * 1000)
        result = {
            "name": name,
            "database": connection.vendor,
            "rounds": rounds,
            "min_ms": round(min(timings), 2),
            "median_ms": round(statistics.median(timings), 2),
            "max_ms": round(max(timings), 2),
            **facts,
        }
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / f"{name}.json").write_text(
            json.dumps(result, indent=2, ensure_ascii=False) + "\n"
        )
        spread = f"min {result['min_ms']}, max {result['max_ms']}"
        print(f"\n{name}: median {result['median_ms']} ms ({spread}) {facts}")
        return result

    return run
