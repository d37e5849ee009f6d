"""`make bench`: every benchmark with its default settings (~20 min on 2 cores).

    python bench/run.py            # everything; figures also saved as JSON in bench/out/
    python bench/run.py --quick    # smoke run (~2 min): small build scales, one incremental repeat, nothing else
    python bench/run.py --only site,incremental

In order: the build at 1x, 2x and 4x stage by stage against plain MkDocs (bench/site_build.py,
bench/out/site_build.json), rebuilds after an edit (bench/incremental.py, incremental.json), print
(bench/print_bench.py, print.json), pictures (bench/image_bench.py, images.json), the campaign kit
(bench/kit_bench.py, kit.json) and the weight of
pages in a browser (bench/page_weight.py). Lighthouse has its own target (`make bench-lighthouse`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

OUT = ROOT / "bench" / "out"
BENCHES = ("site", "incremental", "print", "images", "kit", "page-weight")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small scales and one repeat; site and incremental only")
    parser.add_argument("--only", help=f"comma-separated, from: {', '.join(BENCHES)}")
    args = parser.parse_args(argv)
    chosen = args.only.split(",") if args.only else (BENCHES[:2] if args.quick else BENCHES)
    unknown = set(chosen) - set(BENCHES)
    if unknown:
        parser.error(f"unknown benchmark(s): {', '.join(sorted(unknown))}")

    failed = 0
    if "site" in chosen:
        from bench import site_build

        failed |= site_build.main(["--json", str(OUT / "site_build.json"), *(["--quick"] if args.quick else [])])
    if "incremental" in chosen:
        from bench import incremental

        repeats = ["--repeats", "1"] if args.quick else []
        failed |= incremental.main(["--json", str(OUT / "incremental.json"), *repeats])
    if "print" in chosen:
        from bench import print_bench

        failed |= print_bench.main(["--json", str(OUT / "print.json")])
    if "images" in chosen:
        from bench import image_bench

        failed |= image_bench.main(["--json", str(OUT / "images.json")])
    if "kit" in chosen:
        from bench import kit_bench

        failed |= kit_bench.main(["--json", str(OUT / "kit.json")])
    if "page-weight" in chosen:
        from bench import page_weight

        failed |= page_weight.main([]) or 0
    return failed


if __name__ == "__main__":
    sys.exit(main())
