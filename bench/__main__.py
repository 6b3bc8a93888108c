"""`make bench`: run every benchmark module bench/bench_*.py and print its figures.

Each module has a `main()` that prints its own results. Each runs in a process
of its own, so that one benchmark's test database or settings cannot leak into
the next. Benchmarks measure; they never fail a build (timed assertions do not
belong in tests), but a benchmark that does not run through is named at the end.
"""

import os
import pkgutil
import subprocess
import sys
import time
from pathlib import Path

# A benchmark sets up its data for every Kommune at once, like a management command; the
# requests it measures run in their views' scopes (zwk_portal.tenancy), as in production.
RUN_ONE = (
    "import os, django; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'zwk_portal.settings');"
    "django.setup(); import importlib; from django_scopes import scopes_disabled\n"
    "with scopes_disabled(): importlib.import_module('bench.{name}').main()"
)


def main() -> None:
    here = Path(__file__).resolve().parent
    only = set(sys.argv[1:])
    names = sorted(
        info.name for info in pkgutil.iter_modules([str(here)]) if info.name.startswith("bench_")
    )
    failed = []
    for name in names:
        if only and name not in only:
            continue
        print(f"== {name}", flush=True)
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-c", RUN_ONE.format(name=name)], cwd=here.parent, env=os.environ
        )
        if result.returncode != 0:
            failed.append(name)
        print(f"   ({time.perf_counter() - started:.1f} s)\n", flush=True)
    if failed:
        sys.exit(f"benchmarks that did not run through: {', '.join(failed)}")


if __name__ == "__main__":
    main()
