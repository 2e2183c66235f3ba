"""Development-only data: the demo municipality `make run` loads and the synthetic municipality
the dashboards' benchmarks and browser tests run on. Above every other app: it may use them all,
and none of them imports it."""
