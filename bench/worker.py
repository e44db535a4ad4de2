"""Runs one measurement in a fresh process, so its peak memory is its own: prints JSON.

python -m bench.worker generate STORE HOUSEHOLDS | load | import | risk | allocate | stress | pages | server STORE
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench import measure, risk, server_memory, stress


def main(argv: list[str]) -> None:
    kind, store = argv[0], Path(argv[1])
    if kind == "generate":
        result: object = measure.generate(store, int(argv[2]))
    elif kind == "load":
        result = measure.load_snapshot(store)
    elif kind == "import":
        result = measure.import_files(store)
    elif kind == "risk":
        result = risk.measure(str(store))
    elif kind == "allocate":
        result = measure.allocate(store)
    elif kind == "stress":
        result = stress.measure(store)
    elif kind == "pages":
        result = measure.pages(store)
    elif kind == "server":
        result = server_memory.measure(store)
    else:
        raise SystemExit(f"unknown measurement {kind}")
    if isinstance(result, dict):
        result["peak_rss_mb"] = round(measure.peak_rss_mb(), 0)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1:])
