"""`make bench`: run every benchmark with its default settings.

Extra arguments go to bench/site_build.py (for example `--quick`). Figures are also saved to
bench/out/site_build.json.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import site_build  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    extra = sys.argv[1:] if argv is None else argv
    return site_build.main(["--json", str(ROOT / "bench" / "out" / "site_build.json"), *extra])


if __name__ == "__main__":
    sys.exit(main())
