"""`make bench`: run every benchmark with its default settings.

Extra arguments go to bench/site_build.py (for example `--quick`). Figures are also saved to
bench/out/site_build.json, bench/out/print.json and bench/out/images.json. Page weight in a
browser is measured last; Lighthouse has its own target (`make bench-lighthouse`).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import image_bench, page_weight, print_bench, site_build  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    extra = sys.argv[1:] if argv is None else argv
    site = site_build.main(["--json", str(ROOT / "bench" / "out" / "site_build.json"), *extra])
    printed = print_bench.main(["--json", str(ROOT / "bench" / "out" / "print.json")])
    pictures = image_bench.main(["--json", str(ROOT / "bench" / "out" / "images.json")])
    page_weight.main([])
    return site or printed or pictures


if __name__ == "__main__":
    sys.exit(main())
