"""How long print takes: one leaflet, every leaflet of the demo, and one leaflet for every commune.

    python bench/print_bench.py                   # full run: demo leaflets + 3,321 communes (~3 min)
    python bench/print_bench.py --communes 200    # quicker commune run
    python bench/print_bench.py --json bench/out/print.json

Three measurements, all without the render cache (every PDF is laid out by WeasyPrint):

1. **First leaflet in a fresh process**: a child process imports the generator, loads and plans
   the demo content and renders one A5 leaflet; wall time from spawn to exit, and its parts.
2. **Seconds per leaflet in one process**: every province-level leaflet, poster and full guide
   of the demo content, after one unreported warm-up render, per format.
3. **One leaflet for all communes**: synthetic content with 3,321 communes (34 provinces), each
   asking for its own leaflet of one guide. The build renders what the communes share once per
   province and stamps each commune's own text on it. Reported as total wall time and as the
   cost per commune variant divided by the cost of a full render of the same leaflet measured
   in the same run (the ratio is what survives a noisy shared machine).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic import write_synthetic  # noqa: E402
from generator.build import BuildOptions, check  # noqa: E402
from generator.plan import LEAFLET_FORMATS, PrintJob, plan_build, print_batches  # noqa: E402
from generator.render.print import PrintRenderer  # noqa: E402

DEMO = BuildOptions(content=ROOT / "content", config=ROOT / "site_config.yml")
COUNTRY_COMMUNES = 3321
COUNTRY_PROVINCES = 34


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def renderer_for(options: BuildOptions):
    """Validated content, its print jobs (all provinces) and a renderer without cache."""
    site = check(options)
    plan = plan_build(site)
    jobs = [job for site_plan in plan.sites for job in site_plan.prints]
    return PrintRenderer(options.theme, site.config, site.assets), jobs


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- 1. First leaflet in a fresh process ----------------------------------------------------


def first_leaflet_child() -> int:
    """Runs in the child: prints the timings of its own parts as JSON."""
    started = time.perf_counter()
    site = check(DEMO)
    plan = plan_build(site, site.provinces[0].slug)
    job = next(j for s in plan.sites for j in s.prints if j.format == "a5" and j.commune is None)
    planned = time.perf_counter()
    printer = PrintRenderer(DEMO.theme, site.config, site.assets)
    ready = time.perf_counter()
    printer.render(job)
    done = time.perf_counter()
    parts = {"load_and_plan_s": planned - started, "renderer_setup_s": ready - planned, "render_s": done - ready}
    print(json.dumps(parts))
    return 0


def measure_first_leaflet() -> dict:
    started = time.perf_counter()
    child = subprocess.run(
        [sys.executable, __file__, "--first-leaflet-child"], capture_output=True, text=True, check=True, cwd=ROOT
    )
    wall = time.perf_counter() - started
    parts = json.loads(child.stdout.strip().splitlines()[-1])
    return {"wall_s": wall, **parts, "imports_and_start_s": wall - sum(parts.values())}


# --- 2. Seconds per leaflet in one process ---------------------------------------------------


def measure_demo_leaflets() -> dict:
    printer, jobs = renderer_for(DEMO)
    own = [job for job in jobs if job.commune is None]
    printer.render(own[0])  # warm-up: fonts, stylesheet, template compilation
    per_format: dict[str, list[float]] = {}
    for job in own:
        started = time.perf_counter()
        printer.render(job)
        per_format.setdefault(job.format, []).append(time.perf_counter() - started)
    return {
        fmt: {"count": len(times), "mean_s": statistics.mean(times), "max_s": max(times)}
        for fmt, times in sorted(per_format.items())
    }


# --- 3. One leaflet for every commune -------------------------------------------------------


def measure_communes(communes: int, fmt: str, work: Path, samples: int) -> dict:
    progress(f"Writing synthetic content: {COUNTRY_PROVINCES} provinces, {communes} communes")
    write_synthetic(work, COUNTRY_PROVINCES, 3, 0, 0, total_communes=communes, commune_leaflets=True)
    options = BuildOptions(content=work / "content", config=work / "site_config.yml")
    printer, jobs = renderer_for(options)
    commune_jobs = [job for job in jobs if job.commune is not None and job.format == fmt]
    batches = print_batches(commune_jobs)
    assert len(commune_jobs) == communes, (len(commune_jobs), communes)

    reference = _full_renders(printer, [batch[0] for batch in batches][:samples])
    progress(f"Rendering {len(commune_jobs)} commune leaflets ({fmt}) in {len(batches)} batches")
    layouts_before = printer.renders
    started = time.perf_counter()
    pages = 0
    for batch in batches:
        for rendered in printer.render_communes(batch).values():
            pages += 1 if rendered.pdf else 0
    wall = time.perf_counter() - started
    per_variant = wall / len(commune_jobs)
    reference_after = _full_renders(printer, [batch[-1] for batch in batches][:samples])
    full = statistics.mean(reference + reference_after)
    return {
        "format": fmt,
        "communes": len(commune_jobs),
        "provinces": len(batches),
        "wall_s": wall,
        "per_variant_s": per_variant,
        "full_render_s": full,
        "variant_to_full_ratio": per_variant / full,
        "layouts_run": printer.renders - layouts_before,
        "pdfs": pages,
        "peak_rss_mib": peak_rss_mib(),
    }


def _full_renders(printer: PrintRenderer, jobs: list[PrintJob]) -> list[float]:
    """Wall time of rendering each job on its own, the way a leaflet without communes is made."""
    times = []
    for job in jobs:
        started = time.perf_counter()
        printer.render(job)
        times.append(time.perf_counter() - started)
    return times


# --- Main ------------------------------------------------------------------------------------


def report(results: dict) -> str:
    first = results["first_leaflet"]
    lines = [
        "First leaflet in a fresh process: "
        f"{first['wall_s']:.2f} s (imports and start {first['imports_and_start_s']:.2f} s, "
        f"load and plan {first['load_and_plan_s']:.2f} s, renderer setup {first['renderer_setup_s']:.2f} s, "
        f"render {first['render_s']:.2f} s)",
        "Seconds per PDF in one process (demo content, no cache):",
    ]
    for fmt, row in results["demo_leaflets"].items():
        lines.append(f"  {fmt:<12} {row['count']:>3} PDFs  mean {row['mean_s']:.3f} s  max {row['max_s']:.3f} s")
    c = results["communes"]
    lines.append(
        f"One {c['format']} leaflet for {c['communes']} communes ({c['provinces']} provinces): "
        f"{c['wall_s']:.1f} s wall, {c['per_variant_s'] * 1000:.1f} ms per commune, "
        f"full render of the same leaflet {c['full_render_s'] * 1000:.0f} ms: "
        f"a variant costs {c['variant_to_full_ratio']:.3f} of a full render; "
        f"{c['layouts_run']} WeasyPrint layouts; peak RSS {c['peak_rss_mib']:.0f} MiB"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=COUNTRY_COMMUNES)
    parser.add_argument("--format", choices=LEAFLET_FORMATS, default="a4-trifold")
    parser.add_argument("--samples", type=int, default=10, help="full renders before and after, for the ratio")
    parser.add_argument("--json", type=Path, help="also save the figures here")
    parser.add_argument("--first-leaflet-child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.first_leaflet_child:
        return first_leaflet_child()

    results: dict = {}
    progress("First leaflet in a fresh process")
    results["first_leaflet"] = measure_first_leaflet()
    progress("Every leaflet of the demo content")
    results["demo_leaflets"] = measure_demo_leaflets()
    with tempfile.TemporaryDirectory(prefix="print-bench-", dir=ROOT / "bench" / "out") as work:
        results["communes"] = measure_communes(args.communes, args.format, Path(work), args.samples)
    print(report(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
