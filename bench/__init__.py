"""Benchmarks: the synthetic data generator, the gunicorn harness, the load generator and the
one command that runs every measurement (``python -m bench.run_all``). See docs/performance.md."""
