"""Rendering a typical 2-3 page agreement to PDF: time per render and whether memory stays flat
(numbers printed and saved in bench-results/, not limits)."""

import gc
import io
import json
import os
import tracemalloc

from pypdf import PdfReader

from indsats.agreements import pdf
from tests.indsats.helpers import agreement_in_force
from tests.perf.conftest import RESULTS


def _rss_mb() -> float:
    with open(f"/proc/{os.getpid()}/statm") as statm:
        pages = int(statm.read().split()[1])
    return round(pages * os.sysconf("SC_PAGE_SIZE") / 1024 / 1024, 1)


def test_bench_agreement_pdf(db, world, bench):
    _agreement, version = agreement_in_force(world)
    pages = len(PdfReader(io.BytesIO(pdf.agreement_pdf(version))).pages)

    tracemalloc.start()
    pdf.agreement_pdf(version)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    rss_start = _rss_mb()
    result = bench(
        "agreement_pdf",
        lambda: pdf.agreement_pdf(version),
        rounds=20,
        warmup=2,
        pages=pages,
        goals=len(version.parsed.goals),
        peak_python_alloc_mb=round(peak / 1024 / 1024, 1),
    )
    rss_after_20 = _rss_mb()
    for _ in range(180):
        pdf.agreement_pdf(version)
    gc.collect()
    rss_after_200 = _rss_mb()
    print(f"RSS: start {rss_start} MB, after 20 {rss_after_20} MB, after 200 {rss_after_200} MB")
    saved = RESULTS / "agreement_pdf.json"
    numbers = json.loads(saved.read_text())
    numbers.update(
        rss_mb_start=rss_start, rss_mb_after_20=rss_after_20, rss_mb_after_200=rss_after_200
    )
    saved.write_text(json.dumps(numbers, indent=2, ensure_ascii=False) + "\n")
    assert result["median_ms"] > 0
    assert pages >= 1
