"""Benchmarks: our paths against the approaches a user would otherwise take, measured side by side."""
