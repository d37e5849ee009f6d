"""Build benchmark: synthetic content at 1x, 2x and 4x, timed stage by stage with the real build code,
against a plain `mkdocs build` (Material, navigation.prune) of the same pages in the same run.

    python bench/site_build.py                    # 34 provinces x 25, 50, 100 guides (~15 min on 2 cores)
    python bench/site_build.py --quick            # smoke run: 3 provinces x 4 and 8 guides (under a minute)
    python bench/site_build.py --json FILE        # also save every figure as JSON
    python bench/site_build.py --scales 4x        # one scale only
    python bench/site_build.py --sample-guides 0  # pictures and PDFs of every guide, cold (over an hour at 4x)

Each scale is built by a child process (`--child`) that runs the stages as generator.build.build()
does, with the real code, but one stage at a time over all provinces (a fresh pool of forked
workers per stage, where build() keeps one pool for all stages):

    load       generator.load.load_content
    validate   generator.validate.load_config + validate
    plan       generator.plan.plan_build (and the build date)
    site       run_sites(work, ("site",), ...): page Markdown, search index, MkDocs + Material per site
    qr         run_sites(work, ("qr",), ...): every guide's QR code as PNG and SVG
    images     run_sites(work, ("images",), ...): step pictures and share cards
    print      run_sites(work, ("print",), ...): leaflets, posters, full guides, printable step pictures
    redirects  run_sites(work, ("redirects",), ...): former-province addresses and short links
    write      write_root_files + Output.commit (manifest with a SHA-256 of every file, atomic swap)

Every stage starts cold (empty render cache). The site stage runs `--site-repeats` times (default 3,
each from an empty cache, the extra passes into a spare output) and its median is reported. A site
pass or a reference build during which other processes used more than 15 % of the machine is set
aside and run again (at most 3 more times), and reported as set aside.
Pictures and PDFs are made only for a fixed sample (`--sample-guides`, default 2 guides per province,
plus every share card and poster), the same number at every scale, reported as files per second and
then run again on the now warm cache ("warm" rows); a cold picture and PDF of every guide at 4x
(~10,000 pictures, ~20,000 PDFs) takes over an hour on 2 cores, so the full cold build is given as
an estimate: the stages that covered everything plus every planned picture and PDF at the sampled rate.

Memory: this process samples /proc every 100 ms for the child (the build's parent process) and all
its descendants (the forked workers), from a thread of its own, so the build forks with no thread
of ours: RSS of the build's parent, the sum of RSS over the tree (counts the pages that workers
share with the parent after fork once per process) and, every 0.5 s, the sum of PSS (shares them
out: the tree's real footprint). Exact kernel peaks too: ru_maxrss of the build's parent and the
largest ru_maxrss among its workers (RUSAGE_CHILDREN), both read in the child when the build ends.

Others' CPU: for each stage, the machine's busy CPU time (/proc/stat) minus the CPU time of the
build's processes (getrusage in the child, which has joined its workers when a stage ends), as a
share of all CPUs: how much of the machine other people's jobs took while we measured.

Reference: the Markdown our templates make for every page of every site (render_pages), in one docs/
folder (a folder per province), built by `python -m mkdocs build` with Material, `navigation.prune`,
the same Markdown extensions and otherwise defaults (the search plugin on), in a subprocess timed the
same way; then the first 250, 500 and 1,000 of those pages with Material's default navigation and with
navigation.prune, to show how the default grows.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import itertools
import json
import math
import os
import platform
import resource
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field, replace
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/site_build.py` from anywhere finds generator/ and bench/

from bench.synthetic import write_synthetic  # noqa: E402
from generator.render.site import _MARKDOWN_EXTENSIONS  # noqa: E402

PYTHON = sys.executable
CHILD_TIMEOUT = 3600.0
REFERENCE_TIMEOUT = 900.0
SAMPLE_INTERVAL = 0.1  # seconds between two reads of /proc
PSS_EVERY = 5  # samples: PSS every 0.5 s
DISTURBED = 0.15  # a measurement during which other processes used more of the machine than this is run again
EXTRA_ATTEMPTS = 3  # at most this many measurements run again, per site stage and per reference build
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
MIB = 2**20


@dataclass(frozen=True)
class Scale:
    label: str  # 1x, 2x, 4x
    provinces: int
    guides: int
    communes: int  # per province
    faqs: int


FULL_SCALES = tuple(Scale(f"{n}x", 34, 25 * n, 5, 20) for n in (1, 2, 4))
QUICK_SCALES = tuple(Scale(f"{n}x", 3, 4 * n, 2, 5) for n in (1, 2))
DEFAULT_REFERENCE_SIZES = (250, 500, 1000)  # pages; default Material is quadratic, so kept small
QUICK_REFERENCE_SIZES = (25, 50)

# --- Memory of a process tree, read from /proc --------------------------------------------


@dataclass(frozen=True)
class Sample:
    t: float  # time.monotonic()
    parent_rss: int  # bytes
    tree_rss: int
    tree_pss: int
    processes: int


CLOCK_TICK = os.sysconf("SC_CLK_TCK")
CPUS = os.cpu_count() or 1


def _processes() -> dict[int, int]:
    """pid -> parent pid of every process (this kernel has no /proc/<pid>/task/*/children)."""
    found = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as stat:
                found[int(name)] = int(stat.read().rsplit(b")", 1)[1].split()[1])
        except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
            continue
    return found


def _tree(root: int, processes: dict[int, int]) -> list[int]:
    """root and its descendants."""
    children: dict[int, list[int]] = {}
    for pid, parent in processes.items():
        children.setdefault(parent, []).append(pid)
    found, queue = [], [root]
    while queue:
        pid = queue.pop()
        found.append(pid)
        queue += children.get(pid, [])
    return found


def _machine_cpu() -> tuple[float, float]:
    """(busy, steal) CPU seconds of the whole machine since boot, from /proc/stat."""
    with open("/proc/stat", "rb") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (values + [0] * 8)[:8]
    return (user + nice + system + irq + softirq) / CLOCK_TICK, steal / CLOCK_TICK


def _rss(pid: int) -> int:
    with open(f"/proc/{pid}/statm", "rb") as statm:
        return int(statm.read().split()[1]) * PAGE_SIZE


def _pss(pid: int) -> int:
    with open(f"/proc/{pid}/smaps_rollup", "rb") as rollup:
        for line in rollup:
            if line.startswith(b"Pss:"):
                return int(line.split()[1]) * 1024
    return 0


class TreeSampler:
    """Samples a process and its descendants every SAMPLE_INTERVAL seconds, from a thread of this process
    (so the measured build runs no thread of ours while it forks its workers). One sample reads /proc/*/stat
    of every process and the memory of the tree: about 1.5 ms of CPU, some 1.5 % of one core."""

    def __init__(self, root: int):
        self.root = root
        self.samples: list[Sample] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while True:
            self.sample()
            if self._stop.wait(SAMPLE_INTERVAL):
                return

    def sample(self) -> None:
        t = time.monotonic()
        parent = tree_rss = tree_pss = count = 0
        # PSS walks the page tables of the process under its memory lock: read it on every 10th sample only.
        with_pss = len(self.samples) % PSS_EVERY == 0
        for pid in _tree(self.root, _processes()):
            try:
                rss, pss = _rss(pid), _pss(pid) if with_pss else 0
            except (FileNotFoundError, ProcessLookupError, PermissionError, ValueError, IndexError):
                continue  # ended between the listing and the read
            count += 1
            tree_rss += rss
            tree_pss += pss
            if pid == self.root:
                parent = rss
        if count:
            self.samples.append(Sample(t, parent, tree_rss, tree_pss if with_pss else -1, count))


def peaks(samples: list[Sample], start: float = -math.inf, end: float = math.inf) -> dict[str, float | None]:
    """Largest parent RSS, tree RSS and tree PSS (MiB) among the samples taken in [start, end]."""
    inside = [s for s in samples if start <= s.t <= end]
    if not inside:
        return {"parent_rss_mib": None, "tree_rss_mib": None, "tree_pss_mib": None, "processes": None}
    return {
        "parent_rss_mib": max(s.parent_rss for s in inside) / MIB,
        "tree_rss_mib": max(s.tree_rss for s in inside) / MIB,
        "tree_pss_mib": max(s.tree_pss for s in inside) / MIB if any(s.tree_pss >= 0 for s in inside) else None,
        "processes": max(s.processes for s in inside),
    }


def mark() -> dict[str, float]:
    """Now, the CPU time of this process and of the children it has waited for (the build's workers, once
    run_sites has joined them), and the whole machine's busy and steal CPU time (/proc/stat)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    busy, steal = _machine_cpu()
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    return {"t": time.monotonic(), "cpu": cpu, "busy": busy, "steal": steal}


def others_share(start: dict[str, float], end: dict[str, float], ours: float | None = None) -> float | None:
    """The share of the machine's CPUs that other processes used between two marks (None if too short to tell)."""
    span = (end["t"] - start["t"]) * CPUS
    if span < 0.2:
        return None
    used = end["cpu"] - start["cpu"] if ours is None else ours
    return max(0.0, (end["busy"] - start["busy"] - used) / span)


# --- Running a child, timed and sampled ----------------------------------------------------


@dataclass
class Run:
    seconds: float
    returncode: int | None
    timed_out: bool
    maxrss_kib: int  # ru_maxrss of the child itself (not of its own children)
    started: float  # time.monotonic() just before the spawn
    samples: list[Sample] = field(repr=False, default_factory=list)
    others_cpu_share: float | None = None  # of the machine, used by processes outside the child's tree
    steal_share: float | None = None  # of the machine, taken by the hypervisor

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out

    def status(self, timeout: float) -> str:
        if self.timed_out:
            return f"timeout (> {timeout:g} s)"
        return "ok" if self.returncode == 0 else f"failed (exit {self.returncode})"


def run_sampled(command: list[str], log: Path, timeout: float, cwd: Path = ROOT) -> Run:
    """Run command (output to log) in a session of its own; wall time, exit status, ru_maxrss, memory samples."""
    log.parent.mkdir(parents=True, exist_ok=True)
    timed_out = threading.Event()
    with log.open("w", encoding="utf-8") as sink:
        before = mark()
        started = before["t"]
        process = subprocess.Popen(command, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)

        def stop() -> None:
            timed_out.set()
            os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, stop)
        timer.start()
        try:
            with TreeSampler(process.pid) as sampler:
                _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        after = mark()
        seconds = after["t"] - started
    process.returncode = os.waitstatus_to_exitcode(status)  # already reaped; keep Popen consistent
    # wait4's usage covers the child and every descendant it waited for; the sampler's CPU is counted as others'.
    others = others_share(before, after, usage.ru_utime + usage.ru_stime)
    steal = (after["steal"] - before["steal"]) / (seconds * CPUS) if seconds > 0 else None
    return Run(
        seconds, process.returncode, timed_out.is_set(), usage.ru_maxrss, started, sampler.samples, others, steal
    )


def tail(log: Path, lines: int = 15) -> str:
    text = log.read_text("utf-8", "replace").splitlines() if log.exists() else []
    return "\n".join(text[-lines:])


# --- The child: one scale, stage by stage, in one process -----------------------------------


def sample_plan(plan, guides_per_site: int):
    """The same plan with the pictures and PDFs of only the first `guides_per_site` guides of each province
    (plus its share card, posters and results charts); 0 keeps everything."""
    from generator.plan import BuildPlan

    if guides_per_site <= 0:
        return plan
    sites = []
    for site_plan in plan.sites:
        order = list(dict.fromkeys(job.guide.slug for job in site_plan.images if job.guide is not None))
        keep = set(order[:guides_per_site])
        images = [job for job in site_plan.images if job.guide is None or job.guide.slug in keep]
        prints = [job for job in site_plan.prints if len(job.items) > 1 or job.items[0].guide.slug in keep]
        sites.append(replace(site_plan, images=images, prints=prints))
    return BuildPlan(sites=sites, redirects=plan.redirects, short_link_pages=plan.short_link_pages)


def pictures_of(plan) -> int:
    return sum(len(s.images) + (s.card is not None) + len(s.charts) for s in plan.sites)


def pdfs_of(plan) -> int:
    return sum(len(s.prints) + len(s.chart_prints) for s in plan.sites)


def child(spec: dict) -> dict:
    """Build spec's content stage by stage and return the timings (time.monotonic() marks)."""
    marks = {"child_start": time.monotonic()}
    from generator import build as gb
    from generator.load import load_content
    from generator.plan import plan_build
    from generator.validate import load_config, validate
    from generator.write import Output

    marks["imported"] = time.monotonic()
    options = gb.BuildOptions(
        content=Path(spec["content"]), config=Path(spec["config"]), out=Path(spec["out"]), jobs=spec["jobs"]
    )
    stages: list[dict] = []

    def record(stage: str, start: dict[str, float], **facts) -> None:
        end = mark()
        seconds = end["t"] - start["t"]
        others = others_share(start, end)
        row = {"stage": stage, "start": start["t"], "end": end["t"], "seconds": seconds, "others_cpu_share": others}
        stages.append({**row, **facts})
        print(f"  {stage}: {seconds:.2f} s {facts}", file=sys.stderr, flush=True)

    def quiet(message: str) -> None:
        pass

    start = mark()
    loaded = load_content(options.content)
    record("load", start, items=len(loaded.documents) + len(loaded.assets), unit="files read")

    start = mark()
    config = load_config(options.config)
    site = validate(loaded, config, options.config.as_posix())
    record("validate", start, items=len(site.guides) + len(site.provinces) + len(site.faq_groups), unit="documents")

    start = mark()
    epoch, _ = gb.source_date_epoch(site)
    plan = plan_build(site)
    record("plan", start, items=len(plan.sites), unit="sites")

    sample = sample_plan(plan, spec["sample_guides"])
    jobs = min(options.processes, len(plan.sites))
    pages = sum(len(s.pages) for s in plan.sites)
    report = gb.BuildReport(files=0, pages=pages, seconds=0.0, sites=len(plan.sites))
    sampled = "a sample: " if sample is not plan else ""

    with gb._environment(gb.SOURCE_DATE_EPOCH, str(epoch)), contextlib.ExitStack() as stack:
        # Extra cold passes of the site stage into a spare output, for a median (the stage the targets are on).
        # A pass during which other processes used more than DISTURBED of the machine is set aside and run again
        # (at most EXTRA_ATTEMPTS times in all).
        passes: list[dict] = []
        wanted = spec.get("site_repeats", 1) - 1
        while sum(not p["disturbed"] for p in passes) < wanted and len(passes) < wanted + EXTRA_ATTEMPTS:
            shutil.rmtree(options.cache_dir, ignore_errors=True)
            os.sync()  # the previous pass's files written back now, not during this pass
            begun = mark()
            with Output(options.out.with_name(f"{options.out.name}-spare")) as spare:
                spare_report = gb.BuildReport(files=0, pages=pages, seconds=0.0)
                spare_work = gb.Work(site, plan, options, spare, gb.engine_fingerprint(options.theme))
                gb.run_sites(spare_work, ("site",), jobs, spare_report, quiet)
                ended = mark()
            seconds, others = ended["t"] - begun["t"], others_share(begun, ended)
            disturbed = others is not None and others > DISTURBED
            passes.append({"seconds": seconds, "others_cpu_share": others, "disturbed": disturbed})
            passes[-1]["site"] = spare_report.stage_seconds.get("site", 0.0)
            print(f"  site, extra pass: {passes[-1]}", file=sys.stderr, flush=True)
        shutil.rmtree(options.cache_dir, ignore_errors=True)
        os.sync()
        start = mark()
        output = stack.enter_context(Output(options.out))
        work = gb.Work(site, plan, options, output, gb.engine_fingerprint(options.theme))
        media = gb.Work(site, sample, options, output, work.engine)

        def run(stage: str, on: gb.Work, start: dict[str, float], cache: str, covers: str, unit: str) -> None:
            entries, busy = len(output.entries), report.stage_seconds.get(stage, 0.0)
            built, pdfs, pictures = report.sites_built, report.pdfs_rendered, report.images_rendered
            gb.run_sites(on, (stage,), jobs, report, quiet)
            files = len(output.entries) - entries
            items = {"site": pages, "print": pdfs_of(sample), "images": pictures_of(sample)}.get(stage, files)
            record(
                stage,
                start,
                cache=cache,
                items=items,
                unit=unit,
                files=files,
                worker_seconds=report.stage_seconds.get(stage, 0.0) - busy,
                sites_built=report.sites_built - built,
                pdfs_rendered=report.pdfs_rendered - pdfs,
                images_rendered=report.images_rendered - pictures,
                covers=covers,
            )

        run("site", work, start, "cold", f"all {pages} pages of {len(plan.sites)} sites", "pages")
        if passes:  # the median of the undisturbed passes; memory is the last pass's
            main_pass = stages[-1]
            others = main_pass["others_cpu_share"]
            passes.append(
                {
                    "seconds": main_pass["seconds"],
                    "others_cpu_share": others,
                    "disturbed": others is not None and others > DISTURBED,
                    "site": main_pass["worker_seconds"],
                }
            )
            counted = [p for p in passes if not p["disturbed"]] or passes
            middle = sorted(counted, key=lambda p: p["seconds"])[(len(counted) - 1) // 2]
            main_pass.update(
                seconds=middle["seconds"],
                worker_seconds=middle["site"],
                others_cpu_share=middle["others_cpu_share"],
                passes=passes,
            )
            listed = ", ".join(f"{p['seconds']:.1f}" for p in counted)
            main_pass["covers"] += f"; median of {len(counted)} cold passes ({listed} s)"
            aside = [p for p in passes if p["disturbed"]] if counted is not passes else []
            if aside:
                main_pass["covers"] += "; set aside, others used > 15 %: " + ", ".join(
                    f"{p['seconds']:.1f} s ({100 * p['others_cpu_share']:.0f} %)" for p in aside
                )
        qr = sum(len(s.qr_images) for s in plan.sites)
        run("qr", work, mark(), "cold", f"all {qr} QR codes (PNG + SVG)", "files")
        covers = f"{sampled}{pictures_of(sample)} of {pictures_of(plan)} pictures (PNG + SVG)"
        run("images", media, mark(), "cold", covers, "pictures")
        run("images", media, mark(), "warm", covers, "pictures")
        skip = spec.get("skip_print", False)
        if not skip:
            covers = f"{sampled}{pdfs_of(sample)} of {pdfs_of(plan)} PDFs"
            run("print", media, mark(), "cold", covers, "PDFs")
            run("print", media, mark(), "warm", covers, "PDFs")
        redirects = len(plan.redirects) + len(plan.short_link_pages)
        run("redirects", work, mark(), "none", f"all {redirects} redirect pages", "files")

        start = mark()
        gb.write_root_files(plan, site, options.theme, output)
        manifest = output.commit()
        stack.close()  # Output.__exit__: the build's leftovers removed, lock released
        record("write", start, items=len(manifest["files"]), unit="files", covers="every file written above")

    maxrss = {  # now, before the reference Markdown below is written (it would count as the build's peak)
        "self_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "workers_maxrss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
    }
    written = sum(p.stat().st_size for p in options.out.rglob("*") if p.is_file())
    stages[-1]["bytes"] = written
    result = {
        "marks": marks,
        "stages": stages,
        "pages": pages,
        "sites": len(plan.sites),
        "jobs": jobs,
        "cores": options.processes,
        "guides": len(site.guides),
        "provinces": len(site.provinces),
        "pictures_planned": pictures_of(plan),
        "pdfs_planned": pdfs_of(plan),
        "pictures_sampled": pictures_of(sample),
        "pdfs_sampled": pdfs_of(sample),
        "output_bytes": written,
        **maxrss,
    }
    if spec.get("reference_docs"):  # after the measurement, not timed with it
        started = time.monotonic()
        chars = write_reference_docs(plan, options.theme, Path(spec["reference_docs"]))
        result["reference_markdown"] = {"pages": pages, "mean_chars": chars, "seconds": time.monotonic() - started}
    return result


# --- The reference: one plain MkDocs + Material site of the same Markdown --------------------

REFERENCE_EXTENSIONS = [  # the extensions our pages are written for, with MkDocs' own heading slugs
    {"toc": {"permalink": True}} if isinstance(e, dict) and "toc" in e else e
    for e in _MARKDOWN_EXTENSIONS
    if not (isinstance(e, str) and e.startswith("generator."))  # our speed-only extension: a plain build
]


def write_reference_docs(plan, theme: Path, docs: Path) -> int:
    """Every page of every site as our templates write it, in one docs/ folder (a folder per province,
    the national pages at the top), with the pictures the pages use; returns the mean page length."""
    from generator.render.pages import render_pages

    remove_tree(docs)
    total = count = 0
    for site_plan in plan.sites:
        folder = docs / site_plan.prefix if site_plan.prefix else docs
        for path, text in render_pages(site_plan, theme / "pages").items():
            target = folder / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            total, count = total + len(text), count + 1
        for asset in site_plan.assets:
            target = folder / asset.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(asset.data)
    return round(total / max(count, 1))


def reference_config(project: Path, prune: bool) -> None:
    theme: dict = {"name": "material", "language": "vi"}
    if prune:
        theme["features"] = ["navigation.prune"]
    config = {"site_name": "Tham chiếu MkDocs", "theme": theme, "markdown_extensions": REFERENCE_EXTENSIONS}
    (project / "mkdocs.yml").write_text(json.dumps(config, ensure_ascii=False, indent=1), encoding="utf-8")


def subset_docs(source: Path, target: Path, pages: int) -> int:
    """The first `pages` Markdown files of source (in path order, the home page first) and every other file."""
    remove_tree(target)
    markdown = sorted(source.rglob("*.md"), key=lambda p: (p.relative_to(source).as_posix() != "index.md", p))
    for path in [*markdown[:pages], *(p for p in source.rglob("*") if p.is_file() and p.suffix != ".md")]:
        destination = target / path.relative_to(source)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, destination)
    return min(pages, len(markdown))


def measure_reference(docs: Path, pages: int, prune: bool, project: Path, logs: Path, timeout: float) -> dict:
    """`python -m mkdocs build` of docs/ (moved into project/), its output deleted afterwards."""
    project.mkdir(parents=True, exist_ok=True)
    if docs != project / "docs":
        remove_tree(project / "docs")
        shutil.copytree(docs, project / "docs")
    reference_config(project, prune)
    name = f"reference-{'prune' if prune else 'default'}-{pages}"
    command = [PYTHON, "-m", "mkdocs", "build", "--clean", "-q", "-f", str(project / "mkdocs.yml")]
    aside = []
    while True:
        os.sync()
        run = run_sampled(command, logs / f"{name}.log", timeout, cwd=project)
        size = folder_bytes(project / "site")
        remove_tree(project / "site")  # default Material at a few thousand pages writes gigabytes
        others = run.others_cpu_share
        if not run.ok or others is None or others <= DISTURBED or len(aside) >= EXTRA_ATTEMPTS:
            break
        aside.append({"seconds": run.seconds, "others_cpu_share": others})
        progress(f"  set aside: {run.seconds:.1f} s while other processes used {100 * others:.0f} % of the machine")
    return {
        "set_aside": aside,
        "name": f"mkdocs build, Material {'navigation.prune' if prune else 'default navigation'}",
        "prune": prune,
        "pages": pages,
        "seconds": run.seconds,
        "status": run.status(timeout),
        "maxrss_mib": run.maxrss_kib / 1024,
        "others_cpu_share": run.others_cpu_share,
        "output_mib": size / MIB if size is not None else None,
        "command": command,
        "log": str(logs / f"{name}.log"),
    }


# --- One scale ------------------------------------------------------------------------------


def measure_scale(scale: Scale, args, work: Path, logs: Path, reference: bool) -> dict:
    folder = work / f"synthetic-{scale.provinces}x{scale.guides}"
    started = time.monotonic()
    write_synthetic(folder, scale.provinces, scale.guides, scale.communes, scale.faqs)
    written = time.monotonic() - started
    remove_tree(folder / ".cache")  # every stage cold
    out = work / f"synthetic-{scale.provinces}x{scale.guides}-site"
    remove_tree(out)
    docs = work / f"reference-{scale.label}" / "docs"
    spec = {
        "content": str(folder / "content"),
        "config": str(folder / "site_config.yml"),
        "out": str(out),
        "jobs": args.jobs,
        "sample_guides": args.sample_guides,
        "skip_print": args.skip_print,
        "site_repeats": args.site_repeats,
        "reference_docs": str(docs) if reference else None,
        "result": str(work / f"result-{scale.label}.json"),
    }
    spec_file = work / f"spec-{scale.label}.json"
    spec_file.write_text(json.dumps(spec), encoding="utf-8")
    Path(spec["result"]).unlink(missing_ok=True)
    progress(f"[{scale.label}] ours: {scale.provinces} provinces x {scale.guides} guides, stage by stage")
    log = logs / f"ours-{scale.label}.log"
    os.sync()  # what earlier measurements wrote (and deleted) reaches the disk before this one starts
    run = run_sampled([PYTHON, __file__, "--child", str(spec_file)], log, CHILD_TIMEOUT)
    if not run.ok:
        raise SystemExit(f"our build at {scale.label} {run.status(CHILD_TIMEOUT)}; see {log}:\n{tail(log)}")
    result = json.loads(Path(spec["result"]).read_text("utf-8"))
    marks = result["marks"]
    rows = [
        {
            "stage": "start",
            "seconds": marks["imported"] - run.started,
            "covers": "interpreter start and imports (generator, MkDocs, WeasyPrint, Pillow)",
            **peaks(run.samples, run.started, marks["imported"]),
        }
    ]
    for stage in result["stages"]:
        # A stage shorter than the sampling interval gets the first sample after it.
        rows.append(
            {**stage, **peaks(run.samples, stage["start"], max(stage["end"], stage["start"] + SAMPLE_INTERVAL))}
        )
        rows[-1]["rate"] = stage["items"] / stage["seconds"] if stage.get("items") and stage["seconds"] else None
    for row in rows:
        row.pop("start", None), row.pop("end", None)
    scale_result = {
        "scale": asdict(scale),
        "synthetic_seconds": written,
        "wall_seconds": run.seconds,
        "others_cpu_share": run.others_cpu_share,
        "steal_share": run.steal_share,
        "stages": rows,
        "memory": {
            **peaks(run.samples, run.started, result["stages"][-1]["end"]),
            "parent_maxrss_mib": result["self_maxrss_kib"] / 1024,
            "workers_maxrss_mib": result["workers_maxrss_kib"] / 1024,
            "samples": len(run.samples),
        },
        **{k: v for k, v in result.items() if k not in ("marks", "stages")},
    }
    remove_tree(out)
    remove_tree(folder / ".cache")  # a few hundred MB at 4x; the next run starts without it anyway
    if reference:
        progress(f"[{scale.label}] reference: mkdocs build with navigation.prune, {result['pages']} pages")
        project = work / f"reference-{scale.label}"
        scale_result["reference"] = measure_reference(
            docs, result["pages"], True, project, logs, args.reference_timeout
        )
    return scale_result


def measure_default_material(docs: Path, sizes: tuple[int, ...], work: Path, logs: Path, timeout: float) -> list:
    """Default Material against navigation.prune on the first N of the same pages: the quadratic growth."""
    rows = []
    for pages in sizes:
        subset = work / f"reference-subset-{pages}"
        count = subset_docs(docs, subset / "docs", pages)
        for prune in (False, True):
            progress(f"reference subset: {count} pages, {'navigation.prune' if prune else 'default navigation'}")
            rows.append(measure_reference(subset / "docs", count, prune, subset, logs, timeout))
        remove_tree(subset)
    return rows


# --- Report ---------------------------------------------------------------------------------


def folder_bytes(folder: Path) -> int | None:
    if not folder.exists():
        return None
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def remove_tree(folder: Path) -> None:
    if folder.exists():
        shutil.rmtree(folder)


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def percent(share: float | None) -> str:
    return "–" if share is None else f"{100 * share:.0f} %"


def stage_key(row: dict) -> str:
    cache = row.get("cache")
    return f"{row['stage']} ({cache})" if cache in ("cold", "warm") else row["stage"]


def stage_table(result: dict) -> str:
    lines = [
        "| stage | wall (s) | items | per second | worker-s | peak MiB: parent / tree RSS / tree PSS | others' CPU "
        "| covers |",
        "|---|---:|---:|---:|---:|---|---:|---|",
    ]
    for row in result["stages"]:
        unit = row.get("unit", "")
        items = f"{row['items']:,} {unit}" if row.get("items") is not None else "–"
        if row["stage"] == "print" and row.get("pdfs_rendered"):
            items += f" ({row['pdfs_rendered']:,} layouts)"
        memory = " / ".join(fmt(row.get(k), 0) for k in ("parent_rss_mib", "tree_rss_mib", "tree_pss_mib"))
        lines.append(
            f"| {stage_key(row)} | {fmt(row['seconds'], 2)} | {items} | {fmt(row.get('rate'))} | "
            f"{fmt(row.get('worker_seconds'))} | {memory} | {percent(row.get('others_cpu_share'))} | "
            f"{row.get('covers', '')} |"
        )
    return "\n".join(lines)


def find(result: dict, key: str) -> dict | None:
    return next((row for row in result["stages"] if stage_key(row) == key), None)


def estimate(result: dict) -> dict:
    """What the stages measured add up to (warm passes left out), and a cold build of everything at this
    scale: the stages that covered everything, plus every planned picture and PDF at the sampled cold rate."""
    rows = [row for row in result["stages"] if row.get("cache") != "warm"]
    measured = sum(row["seconds"] for row in rows)
    whole = sum(row["seconds"] for row in rows if row["stage"] not in ("images", "print"))
    pictures, pdfs = find(result, "images (cold)"), find(result, "print (cold)")
    pictures_s = result["pictures_planned"] / pictures["rate"] if pictures and pictures.get("rate") else 0.0
    pdfs_s = result["pdfs_planned"] / pdfs["rate"] if pdfs and pdfs.get("rate") else 0.0
    return {"measured_s": measured, "pictures_s": pictures_s, "pdfs_s": pdfs_s, "total_s": whole + pictures_s + pdfs_s}


def scaling_table(results: list[dict]) -> str:
    labels = [r["scale"]["label"] for r in results]
    head = " | ".join(f"{r['scale']['label']}: {r['pages']:,} pages" for r in results)
    ratios = [f"{b} / {a}" for a, b in itertools.pairwise(labels)]
    lines = [f"| | {head} | {' | '.join(ratios)} |", "|---|" + "---:|" * (len(results) + len(ratios))]

    def row(name: str, values: list[float | None], digits: int = 2, ratio: bool = True) -> None:
        cells = [fmt(v, digits) for v in values]
        growth = [fmt(b / a, 2) if ratio and a and b else "–" for a, b in itertools.pairwise(values)]
        lines.append(f"| {name} | {' | '.join(cells)} | {' | '.join(growth)} |")

    keys = [stage_key(r) for r in results[-1]["stages"]]
    for key in keys:
        values = [(find(r, key) or {}).get("seconds") for r in results]
        row(f"{key}, s", values)
    site = [find(r, "site (cold)") for r in results]
    row("site: ms per page", [1000 * s["seconds"] / r["pages"] for s, r in zip(site, results, strict=True)])
    row("site: pages per second", [s["rate"] for s in site], 0, ratio=False)
    row("site: worker-seconds (both cores)", [s["worker_seconds"] for s in site])
    shares = [percent(s.get("others_cpu_share")) for s in site]
    lines.append(f"| site: others' CPU meanwhile | {' | '.join(shares)} |{' – |' * (len(results) - 1)}")
    references = [r.get("reference") for r in results]
    if all(references):
        row("reference, prune: s", [ref["seconds"] for ref in references])
        row("reference, prune: ms per page", [1000 * ref["seconds"] / ref["pages"] for ref in references])
        row(
            "reference ÷ our site stage (wall)",
            [ref["seconds"] / s["seconds"] for ref, s in zip(references, site, strict=True)],
            ratio=False,
        )
        row(
            "reference ÷ our site worker-seconds",
            [ref["seconds"] / s["worker_seconds"] for ref, s in zip(references, site, strict=True)],
            ratio=False,
        )
    row("all stages, s (as measured)", [estimate(r)["measured_s"] for r in results])
    row("cold build of everything, s (estimate)", [estimate(r)["total_s"] for r in results], 0)
    row("peak parent RSS, MiB (ru_maxrss)", [r["memory"]["parent_maxrss_mib"] for r in results], 0)
    row("peak worker RSS, MiB (ru_maxrss)", [r["memory"]["workers_maxrss_mib"] for r in results], 0)
    row("peak tree RSS sum, MiB (sampled)", [r["memory"]["tree_rss_mib"] for r in results], 0)
    row("peak tree PSS sum, MiB (sampled)", [r["memory"]["tree_pss_mib"] for r in results], 0)
    return "\n".join(lines)


def reference_table(rows: list[dict]) -> str:
    lines = [
        "| reference | pages | wall (s) | ms/page | peak RSS (MiB) | output (MiB) | others' CPU | status |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for row in rows:
        per_page = 1000 * row["seconds"] / row["pages"] if row["pages"] else None
        aside = f"; {len(row['set_aside'])} run(s) set aside" if row.get("set_aside") else ""
        lines.append(
            f"| {row['name']} | {row['pages']:,} | {fmt(row['seconds'], 1)} | {fmt(per_page)} | "
            f"{fmt(row['maxrss_mib'], 0)} | {fmt(row['output_mib'], 0)} | {percent(row.get('others_cpu_share'))} | "
            f"{row['status']}{aside} |"
        )
    return "\n".join(lines)


def disturbed(*rows: dict | None) -> str:
    """A warning when other processes used more than DISTURBED of the machine during any of these measurements."""
    shares = [row.get("others_cpu_share") for row in rows if row]
    worst = max((share for share in shares if share is not None), default=None)
    if worst is None or worst <= DISTURBED:
        return ""
    return f" (not a fair measurement: other processes used {100 * worst:.0f} % of the machine)"


def targets(results: list[dict]) -> list[str]:
    """The issue's targets, checked on the largest scale."""
    last = results[-1]
    site = find(last, "site (cold)")
    lines = []
    per_page = 1000 * site["seconds"] / last["pages"]
    lines.append(
        f"site stage at {last['scale']['label']}: {per_page:.2f} ms per page (target ≤ 4): "
        f"{'met' if per_page <= 4 else 'NOT met'}{disturbed(site)}"
    )
    for a, b in itertools.pairwise(results):
        sa, sb = find(a, "site (cold)"), find(b, "site (cold)")
        growth = sb["seconds"] / sa["seconds"]
        pages = b["pages"] / a["pages"]
        lines.append(
            f"site stage {b['scale']['label']} / {a['scale']['label']}: {growth:.2f}x the time "
            f"for {pages:.2f}x the pages "
            f"(target ≤ 2.1): {'met' if growth <= 2.1 else 'NOT met'}{disturbed(sa, sb)}"
        )
    if last.get("reference"):
        ratio = last["reference"]["seconds"] / site["seconds"]
        lines.append(
            f"Material with navigation.prune, same {last['pages']:,} pages, same run: "
            f"{last['reference']['seconds']:.1f} s, "
            f"{ratio:.2f}x our site stage ({'ahead' if ratio > 1 else 'NOT ahead'}){disturbed(site, last['reference'])}"
        )
    peak = max(r["memory"]["tree_pss_mib"] or 0 for r in results)
    rss = max(r["memory"]["tree_rss_mib"] or 0 for r in results)
    lines.append(
        f"peak memory of the build (all processes): {peak:,.0f} MiB PSS, {rss:,.0f} MiB RSS summed "
        f"(target < 2,048 MiB): {'met' if max(peak, rss) < 2048 else 'NOT met'}"
    )
    return lines


def code_digest() -> str:
    """Short SHA-256 of generator/ and theme/, to tell which version of the code was measured."""
    digest = hashlib.sha256()
    for path in sorted(
        p
        for folder in ("generator", "theme")
        for p in (ROOT / folder).rglob("*")
        if p.is_file() and "__pycache__" not in p.parts
    ):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def newest_code_change() -> str:
    newest = max(
        (p for folder in ("generator", "theme") for p in (ROOT / folder).rglob("*") if p.is_file()),
        key=lambda p: p.stat().st_mtime,
    )
    when = dt.datetime.fromtimestamp(newest.stat().st_mtime, dt.UTC)
    return f"{newest.relative_to(ROOT)} at {when:%Y-%m-%d %H:%M} UTC"


def machine() -> dict[str, object]:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "code": code_digest(),
        "newest_code_change": newest_code_change(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        **{name: version(name) for name in ("mkdocs", "mkdocs-material", "weasyprint", "pillow")},
        "load_average": os.getloadavg(),
    }


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def warm_up(work: Path, logs: Path, args) -> None:
    """One small build first (not reported), so that no measurement pays for cold file caches."""
    progress("warm-up: 2 provinces x 2 guides (not reported)")
    folder = work / "warmup"
    write_synthetic(folder, 2, 2, 1, 2)
    remove_tree(folder / ".cache")
    spec = {
        "content": str(folder / "content"),
        "config": str(folder / "site_config.yml"),
        "out": str(work / "warmup-site"),
        "jobs": args.jobs,
        "sample_guides": 1,
        "skip_print": args.skip_print,
        "result": str(work / "result-warmup.json"),
    }
    (work / "spec-warmup.json").write_text(json.dumps(spec), encoding="utf-8")
    run_sampled([PYTHON, __file__, "--child", str(work / "spec-warmup.json")], logs / "warmup.log", CHILD_TIMEOUT)
    remove_tree(work / "warmup-site")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smoke run: 3 provinces x 4 and 8 guides")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save every figure as JSON")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out", help="scratch folder (default: bench/out)")
    parser.add_argument("--jobs", type=int, default=0, help="build processes (default: all cores)")
    parser.add_argument(
        "--sample-guides",
        type=int,
        default=2,
        metavar="N",
        help="guides per province whose pictures and PDFs are made (0: all)",
    )
    parser.add_argument("--skip-print", action="store_true", help="no PDFs (as `build --skip print`)")
    parser.add_argument(
        "--site-repeats",
        type=int,
        metavar="N",
        help="cold passes of the site stage, median reported (default 3; 1 quick)",
    )
    parser.add_argument("--no-reference", action="store_true", help="no plain MkDocs builds")
    parser.add_argument("--reference-timeout", type=float, default=REFERENCE_TIMEOUT, metavar="SECONDS")
    parser.add_argument("--scales", help="only these scales, e.g. 1x,4x (default: all)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child.read_text("utf-8"))
        result = child(spec)
        Path(spec["result"]).write_text(json.dumps(result), encoding="utf-8")
        return 0

    scales = QUICK_SCALES if args.quick else FULL_SCALES
    if args.site_repeats is None:
        args.site_repeats = 1 if args.quick else 3
    if args.scales:
        scales = tuple(scale for scale in scales if scale.label in args.scales.split(","))
    sizes = QUICK_REFERENCE_SIZES if args.quick else DEFAULT_REFERENCE_SIZES
    work = args.work.resolve()
    logs = work / "logs"
    remove_tree(logs)
    facts = machine()
    warm_up(work, logs, args)
    results = [measure_scale(scale, args, work, logs, not args.no_reference) for scale in scales]
    subsets = []
    if not args.no_reference:
        docs = work / f"reference-{scales[0].label}" / "docs"
        subsets = measure_default_material(docs, sizes, work, logs, args.reference_timeout)
        for scale in scales:
            remove_tree(work / f"reference-{scale.label}")
    facts["load_average_end"] = os.getloadavg()
    if code_digest() != facts["code"]:
        facts["code_at_end"] = code_digest()
        progress(f"warning: generator/ or theme/ changed during the run ({facts['code']} -> {facts['code_at_end']})")

    print(
        f"Build benchmark, {facts['date']}, {facts['cpus']} CPUs, {results[0]['jobs']} build processes, "
        f"Python {facts['python']}, MkDocs {facts['mkdocs']}, Material {facts['mkdocs-material']}, "
        f"code {facts['code']} (newest change: {facts['newest_code_change']}); "
        f"load average {facts['load_average'][0]:.1f} at the start, {facts['load_average_end'][0]:.1f} at the end"
    )
    sample = "every guide" if args.sample_guides <= 0 else f"{args.sample_guides} guides per province"
    print(
        f"Pictures and PDFs: {sample}, cold then warm; every other stage covers everything, cold. "
        f'Memory sampled every {SAMPLE_INTERVAL * 1000:.0f} ms. "others\' CPU": the share of the {CPUS} CPUs that '
        "processes outside the measured one (and its workers) used while it ran.\n"
    )
    for result in results:
        scale = result["scale"]
        print(
            f"## {scale['label']}: {scale['provinces']} provinces x {scale['guides']} guides, "
            f"{result['sites']} sites, {result['pages']:,} pages; wall {result['wall_seconds']:.1f} s "
            f"(the child process, spawn to exit); other processes used {percent(result['others_cpu_share'])} "
            f"of the machine meanwhile, the hypervisor took {percent(result['steal_share'])} (steal)\n"
        )
        print(stage_table(result) + "\n")
    print("## Scaling\n")
    print(scaling_table(results) + "\n")
    if subsets or any(r.get("reference") for r in results):
        print("## Plain MkDocs + Material, the same Markdown\n")
        print(reference_table([r["reference"] for r in results if r.get("reference")] + subsets) + "\n")
    print("## Targets\n")
    for line in targets(results):
        print(f"- {line}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "machine": facts,
            "sample_guides": args.sample_guides,
            "scales": results,
            "default_material": subsets,
            "estimates": {r["scale"]["label"]: estimate(r) for r in results},
            "targets": targets(results),
        }
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
