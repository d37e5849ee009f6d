"""`make bench`: run every benchmark with its default settings.

Extra arguments go to bench/site_build.py (for example `--quick`). Figures are also saved to
bench/out/site_build.json, bench/out/print.json and bench/out/images.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import image_bench, print_bench, site_build  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    extra = sys.argv[1:] if argv is None else argv
    site = site_build.main(["--json", str(ROOT / "bench" / "out" / "site_build.json"), *extra])
    printed = print_bench.main(["--json", str(ROOT / "bench" / "out" / "print.json")])
    pictures = image_bench.main(["--json", str(ROOT / "bench" / "out" / "images.json")])
    return site or printed or pictures


if __name__ == "__main__":
    sys.exit(main())
