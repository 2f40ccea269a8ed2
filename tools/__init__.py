"""Benchmarks, parity and load tests: run from the repository root as python -m tools.<name>; never imported by the app."""
