"""`make bench`: run every benchmark module bench/bench_*.py and print its figures.

Each module has a `main()` that prints its own results. Benchmarks measure;
they never fail a build (timed assertions do not belong in tests).
"""

import importlib
import os
import pkgutil
import sys
import time

import django


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zwk_portal.settings")
    django.setup()
    import bench

    only = set(sys.argv[1:])
    names = sorted(
        info.name for info in pkgutil.iter_modules(bench.__path__) if info.name.startswith("bench_")
    )
    for name in names:
        if only and name not in only:
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        importlib.import_module(f"bench.{name}").main()
        print(f"   ({time.perf_counter() - started:.1f} s)\n", flush=True)


if __name__ == "__main__":
    main()
