"""How long print takes: one leaflet, every leaflet of the demo, and one leaflet for every commune.

    python bench/print_bench.py                   # full run: demo leaflets + 3,321 communes (~2 min)
    python bench/print_bench.py --communes 200    # quicker commune run
    python bench/print_bench.py --communes-only --jobs 1    # the communes alone, on one core
    python bench/print_bench.py --json bench/out/print.json

Three measurements, all without the render cache (every PDF is laid out by WeasyPrint):

1. **First leaflet in a fresh process**: a child process imports the generator, loads and plans
   the demo content and renders one A5 leaflet; wall time from spawn to exit, and its parts.
2. **Seconds per leaflet in one process**: every province-level leaflet, poster and full guide
   of the demo content, after one unreported warm-up render, per format.
3. **One leaflet for all communes**: synthetic content with 3,321 communes (34 provinces), each
   asking for its own leaflet of one guide. The build renders what the communes share once per
   province and stamps each commune's own text on it. As the build does, one province is one
   task on a pool of `--jobs` forked processes (default: every core this process may use), longest
   first, each process making its own renderer. It runs in a fresh process that lays out nothing
   before the fork. Reported: total wall time; wall and CPU time per commune (CPU summed over
   the processes); a full render of the same leaflet measured in the same run (median of
   `--samples` renders in a forked process before the pool and as many after it); the cost of a
   variant divided by that of a full render, by wall time at `--jobs` processes and by CPU time
   (about what one core would give: `--jobs 1` measures that exactly); peak RSS. The ratios are
   what survive a noisy shared machine.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
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
from generator import parallel  # noqa: E402
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

# Set in the measuring process before the pool forks, read by the workers (a task is an index).
_WORK: dict = {}
_printer: PrintRenderer | None = None


def measure_communes(communes: int, fmt: str, work: Path, samples: int, jobs: int) -> dict:
    """Runs in a fresh process (see communes_child), so that nothing was laid out before the fork."""
    progress(f"Writing synthetic content: {COUNTRY_PROVINCES} provinces, {communes} communes")
    write_synthetic(work, COUNTRY_PROVINCES, 3, 0, 0, total_communes=communes, commune_leaflets=True)
    options = BuildOptions(content=work / "content", config=work / "site_config.yml")
    site = check(options)
    plan = plan_build(site)
    commune_jobs = [j for s in plan.sites for j in s.prints if j.commune is not None and j.format == fmt]
    assert len(commune_jobs) == communes, (len(commune_jobs), communes)
    batches = print_batches(commune_jobs)
    order = sorted(range(len(batches)), key=lambda n: -len(batches[n]))  # longest first
    references = commune_jobs[:: max(1, communes // samples)][:samples]  # spread over the provinces
    _WORK.update(theme=options.theme, config=site.config, assets=site.assets, batches=batches, references=references)

    progress(f"Full render, {samples} samples, in a forked process before the pool")
    before = _reference_in_child()
    progress(f"Rendering {communes} commune leaflets ({fmt}) in {len(batches)} batches on {jobs} processes")
    children_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    tasks = [result for _, result in parallel.run(_commune_task, order, jobs)]
    wall = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    progress(f"Full render, {samples} samples, in this process after the pool")
    after = _full_renders()

    cpu = sum(t["cpu_s"] for t in tasks)
    # A process's peak only grows, so the last task of each worker holds its peak; with one job it is this process.
    worker_rss = {t["pid"]: t["peak_rss_mib"] for t in tasks if t["pid"] != os.getpid()}
    full_wall = statistics.median(w for w, _ in before + after)
    full_cpu = statistics.median(c for _, c in before + after)
    return {
        "format": fmt,
        "communes": communes,
        "provinces": len(batches),
        "jobs": jobs,
        "wall_s": wall,
        "per_variant_s": wall / communes,
        "cpu_s": cpu,
        "cpu_per_variant_s": cpu / communes,
        "pool_cpu_s": (children.ru_utime + children.ru_stime) - (children_before.ru_utime + children_before.ru_stime),
        "full_render_s": full_wall,
        "full_render_cpu_s": full_cpu,
        "full_render_samples": len(before) + len(after),
        "full_render_before_s": statistics.median(w for w, _ in before),
        "full_render_after_s": statistics.median(w for w, _ in after),
        "variant_to_full_ratio": wall / communes / full_wall,
        "variant_to_full_cpu_ratio": cpu / communes / full_cpu,
        "layouts_run": sum(t["layouts"] for t in tasks),
        "pdfs": sum(t["pdfs"] for t in tasks),
        "pdf_mib": sum(t["bytes"] for t in tasks) / 2**20,
        "peak_rss_mib": max([peak_rss_mib(), *worker_rss.values()]),
        "peak_rss_sum_mib": peak_rss_mib() + sum(worker_rss.values()),
    }


def worker_printer() -> PrintRenderer:
    """This process's renderer, made on first use: in a worker, after the fork."""
    global _printer
    if _printer is None:
        _printer = PrintRenderer(_WORK["theme"], _WORK["config"], _WORK["assets"])
    return _printer


def _commune_task(index: int) -> dict:
    """One province's batch, as the build renders it; PDFs stay here (the build writes them in the worker)."""
    cpu = time.process_time()
    printer = worker_printer()  # the first task of a worker pays for the set-up, as in the build
    layouts = printer.renders
    batch = _WORK["batches"][index]
    rendered = printer.render_communes(batch) if len(batch) > 1 else {batch[0].path: printer.render(batch[0])}
    return {
        "pid": os.getpid(),
        "pdfs": len(rendered),
        "bytes": sum(len(r.pdf) for r in rendered.values()),
        "layouts": printer.renders - layouts,
        "cpu_s": time.process_time() - cpu,
        "peak_rss_mib": peak_rss_mib(),
    }


def _reference_in_child() -> list[tuple[float, float]]:
    """_full_renders in a forked process, so that this one still has laid out nothing when the pool forks."""
    with multiprocessing.get_context("fork").Pool(1) as pool:
        return pool.apply(_full_renders)


def _full_renders() -> list[tuple[float, float]]:
    """(wall, CPU) seconds of rendering each reference job on its own, the way a leaflet without
    communes is made, after one unreported warm-up render. Jobs are never pickled: GuideInProvince
    cannot be."""
    printer = worker_printer()
    jobs: list[PrintJob] = _WORK["references"]
    printer.render(jobs[-1])
    times = []
    for job in jobs:
        wall, cpu = time.perf_counter(), time.process_time()
        printer.render(job)
        times.append((time.perf_counter() - wall, time.process_time() - cpu))
    return times


def communes_child(args: argparse.Namespace) -> int:
    """Runs in the child: prints the commune figures as JSON."""
    figures = measure_communes(args.communes, args.format, args.work, args.samples, args.jobs)
    print(json.dumps(figures))
    return 0


def measure_communes_in_child(args: argparse.Namespace, work: Path) -> dict:
    """A fresh interpreter, whatever this one has rendered already (bench/run.py runs other benches first)."""
    command = [sys.executable, __file__, "--communes-child", "--work", str(work), "--communes", str(args.communes)]
    command += ["--format", args.format, "--samples", str(args.samples), "--jobs", str(args.jobs)]
    child = subprocess.run(command, stdout=subprocess.PIPE, text=True, check=True, cwd=ROOT)
    return json.loads(child.stdout.strip().splitlines()[-1])


# --- Main ------------------------------------------------------------------------------------


def report(results: dict) -> str:
    lines = []
    if "first_leaflet" in results:
        first = results["first_leaflet"]
        lines += [
            "First leaflet in a fresh process: "
            f"{first['wall_s']:.2f} s (imports and start {first['imports_and_start_s']:.2f} s, "
            f"load and plan {first['load_and_plan_s']:.2f} s, renderer setup {first['renderer_setup_s']:.2f} s, "
            f"render {first['render_s']:.2f} s)",
            "Seconds per PDF in one process (demo content, no cache):",
        ]
        for fmt, row in results["demo_leaflets"].items():
            lines.append(f"  {fmt:<12} {row['count']:>3} PDFs  mean {row['mean_s']:.3f} s  max {row['max_s']:.3f} s")
    c = results["communes"]
    lines += [
        f"One {c['format']} leaflet for {c['communes']} communes ({c['provinces']} provinces), "
        f"{c['jobs']} processes: {c['wall_s']:.1f} s wall; per commune {c['per_variant_s'] * 1000:.1f} ms wall, "
        f"{c['cpu_per_variant_s'] * 1000:.1f} ms CPU (sum over processes; pool CPU {c['pool_cpu_s']:.1f} s)",
        f"  full render of the same leaflet, same run (median of {c['full_render_samples']}): "
        f"{c['full_render_s'] * 1000:.0f} ms wall ({c['full_render_before_s'] * 1000:.0f} before the pool, "
        f"{c['full_render_after_s'] * 1000:.0f} after), {c['full_render_cpu_s'] * 1000:.0f} ms CPU",
        f"  a variant costs {c['variant_to_full_ratio']:.3f} of a full render (wall, {c['jobs']} processes), "
        f"{c['variant_to_full_cpu_ratio']:.3f} (CPU time, summed over the processes)",
        f"  {c['layouts_run']} WeasyPrint layouts; {c['pdfs']} PDFs, {c['pdf_mib']:.0f} MiB; "
        f"peak RSS {c['peak_rss_mib']:.0f} MiB (largest process), {c['peak_rss_sum_mib']:.0f} MiB (all together)",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=COUNTRY_COMMUNES)
    parser.add_argument("--format", choices=LEAFLET_FORMATS, default="a4-trifold")
    parser.add_argument("--samples", type=int, default=10, help="full renders before and after, for the ratio")
    parser.add_argument("--jobs", type=int, default=parallel.available_cores(), help="processes for the communes")
    parser.add_argument("--communes-only", action="store_true", help="skip measurements 1 and 2")
    parser.add_argument("--json", type=Path, help="also save the figures here")
    parser.add_argument("--first-leaflet-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--communes-child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--work", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.first_leaflet_child:
        return first_leaflet_child()
    if args.communes_child:
        return communes_child(args)

    results: dict = {}
    if not args.communes_only:
        progress("First leaflet in a fresh process")
        results["first_leaflet"] = measure_first_leaflet()
        progress("Every leaflet of the demo content")
        results["demo_leaflets"] = measure_demo_leaflets()
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="print-bench-", dir=ROOT / "bench" / "out") as work:
        results["communes"] = measure_communes_in_child(args, Path(work))
    print(report(results))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
