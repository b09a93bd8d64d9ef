"""Benchmark tooling: a national-scale dataset generator and the `make bench` suite.

Not a plugin: it may import plugin models to fill their tables in bulk."""
