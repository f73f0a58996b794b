"""Benchmarks: `make bench` prints tables; ratios are against a baseline of the same run."""
