"""The benchmark: `python -m bench` (or `make bench`). Timings are reported, never asserted."""
