"""How fast pictures are made: step infographics, results charts, and a rebuild with no change.

    python bench/image_bench.py [--json bench/out/images.json]

1. **Pictures per second**, one process, no cache: every step infographic (PNG + SVG) and every
   results chart of the demo content, after one unreported warm-up picture (fonts, subsets).
2. **A rebuild with no change**: the demo content copied to a scratch folder and built twice
   with the render cache, each build in its own process; the second build's wall time as a
   ratio of the first, and what it drew (nothing, if the cache works).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build import BuildOptions, check  # noqa: E402
from generator.plan import plan_build  # noqa: E402
from generator.render.images import ImageRenderer  # noqa: E402

DEMO = BuildOptions(content=ROOT / "content", config=ROOT / "site_config.yml")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def measure_pictures() -> dict:
    site = check(DEMO)
    plan = plan_build(site)
    renderer = ImageRenderer(site.config)
    groups = {
        "step infographics": [job for s in plan.sites for job in s.images],
        "results charts": [job for s in plan.sites for job in getattr(s, "charts", [])],
        "share cards": [s.card for s in plan.sites if s.card],
    }
    first = groups["step infographics"][0]
    renderer.render(first)  # warm-up: fonts, the first font subset
    results = {}
    for name, jobs in groups.items():
        if not jobs:
            continue
        times = []
        started = time.perf_counter()
        for job in jobs:
            one = time.perf_counter()
            renderer.render(job)
            times.append(time.perf_counter() - one)
        wall = time.perf_counter() - started
        results[name] = {
            "pictures": len(jobs),
            "wall_s": wall,
            "per_second": len(jobs) / wall,
            "median_ms": statistics.median(times) * 1000,
        }
    return results


def measure_rebuild() -> dict:
    with tempfile.TemporaryDirectory(prefix="image-bench-", dir=ROOT / "bench" / "out") as work:
        project = Path(work)
        shutil.copytree(ROOT / "content", project / "content")
        shutil.copy(ROOT / "site_config.yml", project / "site_config.yml")
        runs = []
        for label in ("cold (empty cache)", "no change"):
            command = [sys.executable, "-m", "generator", "build", "--content", str(project / "content")]
            command += ["--config", str(project / "site_config.yml"), "--out", str(project / "site")]
            started = time.perf_counter()
            result = subprocess.run(command, capture_output=True, text=True, check=True, cwd=ROOT)
            wall = time.perf_counter() - started
            runs.append({"build": label, "wall_s": wall, "report": result.stdout.strip()})
            progress(f"  {label}: {wall:.1f} s")
    return {"runs": runs, "no_change_ratio": runs[1]["wall_s"] / runs[0]["wall_s"]}


def report(results: dict) -> str:
    lines = ["Pictures, one process, no cache (PNG + SVG each):"]
    for name, row in results["pictures"].items():
        lines.append(
            f"  {name:<18} {row['pictures']:>4} pictures  {row['per_second']:.1f} per second  "
            f"median {row['median_ms']:.0f} ms"
        )
    rebuild = results["rebuild"]
    for run in rebuild["runs"]:
        lines.append(f"  demo build, {run['build']}: {run['wall_s']:.1f} s  ({run['report']})")
    lines.append(f"  no-change rebuild / cold build: {rebuild['no_change_ratio']:.2f}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also save the figures here")
    args = parser.parse_args(argv)
    progress("Pictures per second")
    results = {"pictures": measure_pictures()}
    progress("Demo build twice: cold, then no change")
    results["rebuild"] = measure_rebuild()
    print(report(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
