"""`make bench`: run every benchmark, print a table each, write bench/results/*.json."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

RESULTS = Path(__file__).parent / "results"


def main() -> int:
    RESULTS.mkdir(parents=True, exist_ok=True)
    names = [
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_")
    ]
    only = set(sys.argv[1:])
    ran = 0
    for name in sorted(names):
        if only and name.removeprefix("bench_") not in only:
            continue
        module = importlib.import_module(f"bench.{name}")
        print(f"== {name}")
        module.run(RESULTS)
        ran += 1
    if not ran:
        print("no benchmarks yet")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
