"""`make bench`: run every benchmark module bench/bench_*.py and print its figures.

Each module has a `main()` that prints its own results. Benchmarks measure;
they never fail a build (timed assertions do not belong in tests).
"""

import importlib
import os
import pkgutil
import sys
import time
import traceback

import django
from django.test import utils as test_utils


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zwk_portal.settings")
    django.setup()
    import bench

    only = set(sys.argv[1:])
    failed = []
    names = sorted(
        info.name for info in pkgutil.iter_modules(bench.__path__) if info.name.startswith("bench_")
    )
    for name in names:
        if only and name not in only:
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        try:
            importlib.import_module(f"bench.{name}").main()
        except Exception:  # one broken benchmark must not hide the others' figures
            traceback.print_exc()
            failed.append(name)
        finally:
            # A benchmark that set up Django's test environment leaves it for the next one.
            if hasattr(test_utils._TestState, "saved_data"):
                test_utils.teardown_test_environment()
        print(f"   ({time.perf_counter() - started:.1f} s)\n", flush=True)
    if failed:
        sys.exit(f"benchmarks that did not run through: {', '.join(failed)}")


if __name__ == "__main__":
    main()
