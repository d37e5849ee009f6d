"""Site build benchmark: our per-province build against one plain MkDocs site with as many pages.

    python bench/site_build.py            # full run: 34 provinces x 100 guides, ~8 min on 2 cores
    python bench/site_build.py --quick    # smoke run: 3 provinces x 10 guides
    python bench/site_build.py --json bench/out/site_build.json

Every measurement is a separate subprocess timed with time.perf_counter() around it. Peak RSS is
ru_maxrss of that one child, read with os.wait4() (the per-child form of
resource.getrusage(RUSAGE_CHILDREN)); it covers the whole process, not only Python objects.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import math
import os
import platform
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `python bench/site_build.py` from anywhere finds generator/ and bench/

from bench.synthetic import write_synthetic  # noqa: E402

PYTHON = sys.executable
REFERENCE_TIMEOUT = 900.0  # seconds, a safety limit: the 3,543-page reference took ~280 s on 2 cores
OURS_TIMEOUT = 3600.0
FRACTIONS = (0.25, 0.5, 1.0)  # of the guides (ours) and of our page count (reference)
BUILT = re.compile(r"Built (\d+) pages and \d+ PDFs \((\d+) files\)")


@dataclass(frozen=True)
class Size:
    provinces: int
    guides: int
    communes: int  # per province
    faqs: int


FULL = Size(provinces=34, guides=100, communes=5, faqs=20)
QUICK = Size(provinces=3, guides=10, communes=2, faqs=5)


@dataclass
class Run:
    """One finished (or killed) subprocess."""

    seconds: float
    returncode: int | None
    timed_out: bool
    peak_rss_kib: int
    output: str


@dataclass
class Row:
    """One line of the results table."""

    name: str
    pages: int | None
    seconds: float | None
    peak_rss_mib: float | None
    output_mib: float | None
    status: str  # ok | failed (exit N) | timeout (> N s)
    note: str = ""
    command: list[str] = field(default_factory=list)

    @property
    def ms_per_page(self) -> float | None:
        if self.status != "ok" or not self.pages or self.seconds is None:
            return None
        return 1000 * self.seconds / self.pages


# --- Running and timing ------------------------------------------------------------------


def run_timed(command: list[str], log: Path, timeout: float, cwd: Path = ROOT) -> Run:
    """Run command, its output going to log; wall time, exit code and the child's own peak RSS."""
    log.parent.mkdir(parents=True, exist_ok=True)
    timed_out = threading.Event()
    with log.open("w", encoding="utf-8") as sink:
        started = time.perf_counter()
        # A session of its own, so that a timeout can stop the child and anything it started.
        process = subprocess.Popen(command, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)

        def stop() -> None:
            timed_out.set()
            os.killpg(process.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, stop)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # already reaped; keep Popen consistent
    return Run(seconds, process.returncode, timed_out.is_set(), usage.ru_maxrss, log.read_text("utf-8", "replace"))


def folder_mib(folder: Path) -> float | None:
    if not folder.exists():
        return None
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def status_of(run: Run, timeout: float) -> str:
    if run.timed_out:
        return f"timeout (> {timeout:g} s)"
    return "ok" if run.returncode == 0 else f"failed (exit {run.returncode})"


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return lines[-1][:200] if lines else ""


# --- Our builds --------------------------------------------------------------------------


def measure_ours(name: str, content: Path, config: Path, out: Path, logs: Path) -> Row:
    """`python -m generator build` on one content set."""
    command = [
        PYTHON,
        "-m",
        "generator",
        "build",
        "--content",
        str(content),
        "--config",
        str(config),
        "--out",
        str(out),
        "--skip",
        "print",  # the site stage only; bench/print_bench.py measures print
    ]
    run = run_timed(command, logs / f"{slug(name)}.log", OURS_TIMEOUT)
    built = BUILT.search(run.output)
    status = status_of(run, OURS_TIMEOUT)
    note = f"{built[2]} files incl. assets and redirects" if built else last_line(run.output)
    return Row(
        name,
        int(built[1]) if built else None,
        run.seconds,
        run.peak_rss_kib / 1024,
        folder_mib(out),
        status,
        note,
        command,
    )


def measure_check(name: str, content: Path, config: Path, logs: Path) -> Row:
    """`python -m generator check`: load and validate only, to split the build time."""
    command = [PYTHON, "-m", "generator", "check", "--content", str(content), "--config", str(config)]
    run = run_timed(command, logs / f"{slug(name)}.log", OURS_TIMEOUT)
    return Row(
        name,
        None,
        run.seconds,
        run.peak_rss_kib / 1024,
        None,
        status_of(run, OURS_TIMEOUT),
        last_line(run.output),
        command,
    )


def mean_markdown_chars(content: Path, config: Path) -> int:
    """Mean length of the Markdown our templates produce for one province (the reference's page size)."""
    from generator.build import DEFAULT_THEME, BuildOptions, check
    from generator.plan import plan_build
    from generator.render.pages import render_pages

    site = check(BuildOptions(content=content, config=config))
    plan = plan_build(site, site.provinces[0].slug)
    pages = render_pages(plan.sites[1], DEFAULT_THEME / "pages")
    return round(sum(len(text) for text in pages.values()) / len(pages))


# --- The reference: one plain MkDocs + Material site -------------------------------------

WORDS = (
    "người dân",
    "hồ sơ",
    "thủ tục",
    "trực tuyến",
    "cổng dịch vụ công",
    "tài khoản",
    "định danh",
    "điện tử",
    "lệ phí",
    "kết quả",
    "giấy tờ",
    "xã, phường",
    "tiếp nhận",
    "giải quyết",
    "ứng dụng",
    "đăng ký",
    "xác nhận",
    "thông tin",
    "cơ quan",
    "thời hạn",
    "bản sao",
    "chứng thực",
    "hướng dẫn",
)


def sentence(rng: random.Random) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 16)))
    return words[:1].upper() + words[1:] + "."


def reference_page(rng: random.Random, title: str, chars: int) -> str:
    """A simple Markdown page of about `chars` characters: headings, paragraphs, a list, a table."""
    parts = [f"# {title}\n", " ".join(sentence(rng) for _ in range(3)) + "\n"]
    section = 0
    while sum(len(p) + 1 for p in parts) < chars:
        section += 1
        parts.append(f"## Mục {section}\n")
        parts.append(" ".join(sentence(rng) for _ in range(rng.randint(2, 4))) + "\n")
        if section % 3 == 1:
            parts.append("\n".join(f"- {sentence(rng)}" for _ in range(4)) + "\n")
        if section % 3 == 2:
            rows = "\n".join(
                f"| {rng.choice(WORDS)} | {rng.randint(0, 20) * 5000} đồng | {rng.randint(1, 15)} ngày |"
                for _ in range(3)
            )
            parts.append("| Cách thức | Lệ phí | Thời hạn |\n|---|---|---|\n" + rows + "\n")
    return "\n".join(parts)


def write_reference(project: Path, pages: int, chars: int, sections: int) -> None:
    """project/mkdocs.yml and project/docs/ with `pages` pages in `sections` folders; default nav."""
    rng = random.Random(pages)
    docs = project / "docs"
    docs.mkdir(parents=True)
    (project / "mkdocs.yml").write_text(
        "site_name: Tham chiếu MkDocs\ntheme:\n  name: material\n  language: vi\n", encoding="utf-8"
    )
    (docs / "index.md").write_text(reference_page(rng, "Trang chủ", chars), encoding="utf-8")
    for number in range(1, pages):
        folder = docs / f"muc-{number % sections:02d}"
        folder.mkdir(exist_ok=True)
        text = reference_page(rng, f"Hướng dẫn số {number}", chars)
        (folder / f"trang-{number:05d}.md").write_text(text, encoding="utf-8")


def measure_reference(pages: int, chars: int, sections: int, work: Path, logs: Path, timeout: float) -> Row:
    """`mkdocs build` of one Material site whose nav lists every page."""
    project = work / f"reference-{pages}"
    remove_tree(project)
    write_reference(project, pages, chars, sections)
    command = [PYTHON, "-m", "mkdocs", "build", "--clean", "-f", str(project / "mkdocs.yml")]
    run = run_timed(command, logs / f"reference-{pages}.log", timeout, cwd=project)
    size = folder_mib(project / "site")
    remove_tree(project)  # at full size the output runs into gigabytes
    return Row(
        f"Reference: plain mkdocs build, {pages} pages in one site",
        pages,
        run.seconds,
        run.peak_rss_kib / 1024,
        size,
        status_of(run, timeout),
        "" if run.returncode == 0 else last_line(run.output),
        command,
    )


def remove_tree(folder: Path) -> None:
    """rm -rf for folders this script created inside its work folder."""
    if folder.exists():
        shutil.rmtree(folder)


# --- Report ------------------------------------------------------------------------------


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def fmt(value: float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


def growth_notes(rows: list[Row]) -> None:
    """For reference rows: the exponent k in time ~ pages^k against the previous size."""
    previous: Row | None = None
    for row in rows:
        if previous and previous.status == "ok" and row.status == "ok" and row.pages and previous.pages:
            k = math.log(row.seconds / previous.seconds) / math.log(row.pages / previous.pages)
            row.note = (row.note + "; " if row.note else "") + f"time ∝ pages^{k:.2f} vs previous row"
        previous = row


def ratio(ours: Row, reference: Row) -> str:
    if ours.status != "ok" or ours.seconds is None:
        return "n/a (our build failed)"
    if reference.status == "ok" and reference.seconds is not None:
        return f"{reference.seconds / ours.seconds:.1f}x"
    if reference.status.startswith("timeout") and reference.seconds is not None:
        return f"> {reference.seconds / ours.seconds:.1f}x (reference stopped at the timeout)"
    return "n/a (reference failed)"


def markdown_table(rows: list[Row]) -> str:
    lines = [
        "| Measurement | Pages | Wall time (s) | ms/page | Peak RSS (MiB) | Output (MiB) | Status | Notes |",
        "|---|---:|---:|---:|---:|---:|---|---|",
    ]
    for row in rows:
        lines.append(
            f"| {row.name} | {fmt(row.pages, 0) if row.pages else '–'} | {fmt(row.seconds)} | "
            f"{fmt(row.ms_per_page)} | {fmt(row.peak_rss_mib, 0)} | {fmt(row.output_mib, 0)} | "
            f"{row.status} | {row.note} |"
        )
    return "\n".join(lines)


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


def machine() -> dict[str, object]:
    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "code": code_digest(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "mkdocs-material": version("mkdocs-material"),
        "load_average": os.getloadavg(),
    }


# --- Main --------------------------------------------------------------------------------


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def warm_up(work: Path, logs: Path) -> None:
    """One small build first, so that no measurement pays for cold file caches."""
    progress("warm-up: building tests/fixtures/mini (not reported)")
    mini = ROOT / "tests" / "fixtures" / "mini"
    run_timed(
        [
            PYTHON,
            "-m",
            "generator",
            "build",
            "--content",
            str(mini / "content"),
            "--config",
            str(mini / "site_config.yml"),
            "--out",
            str(work / "warmup-site"),
            "--skip",
            "print",
        ],
        logs / "warmup.log",
        OURS_TIMEOUT,
    )


def measure_synthetic(size: Size, work: Path, logs: Path) -> list[Row]:
    """Ours on synthetic content with 1/4, 1/2 and all of size.guides; the last row is the full size."""
    rows = []
    for fraction in FRACTIONS:
        guides = max(1, round(size.guides * fraction))
        folder, out = work / f"synthetic-{guides}", work / f"synthetic-{guides}-site"
        progress(f"(b) synthetic content: {size.provinces} provinces x {guides} guides")
        write_synthetic(folder, size.provinces, guides, size.communes, size.faqs)
        content, config = folder / "content", folder / "site_config.yml"
        label = f"{size.provinces} provinces x {guides} guides"
        if fraction == 1.0:
            rows.append(measure_check(f"Ours: check only (load + validate), {label}", content, config, logs))
        rows.append(measure_ours(f"Ours: synthetic {label}, {size.provinces + 1} sites", content, config, out, logs))
        if fraction != 1.0:
            remove_tree(out)
    growth_notes([row for row in rows if row.name.startswith("Ours: synthetic")])
    return rows


def measure_references(total: int, chars: int, sections: int, work: Path, logs: Path, timeout: float) -> list[Row]:
    """The plain MkDocs site at 1/4, 1/2 and all of our page count."""
    rows = []
    for fraction in FRACTIONS:
        pages = max(2, round(total * fraction))
        progress(f"(c) reference: {pages} pages of ~{chars} characters, timeout {timeout:.0f} s")
        rows.append(measure_reference(pages, chars, sections, work, logs, timeout))
    growth_notes(rows)
    return rows


def run_all(size: Size, work: Path, reference_timeout: float) -> tuple[list[Row], str, dict]:
    """Every measurement, in order; returns the rows, the headline ratio and facts for the report."""
    logs = work / "logs"
    remove_tree(logs)
    warm_up(work, logs)
    progress("(a) demo content")
    rows = [
        measure_ours(
            "Ours: demo content (content/ + site_config.yml)",
            ROOT / "content",
            ROOT / "site_config.yml",
            work / "demo-site",
            logs,
        )
    ]
    synthetic = measure_synthetic(size, work, logs)
    rows += synthetic
    ours = synthetic[-1]
    if not ours.pages:
        return rows, "n/a (our build failed)", {"size": asdict(size)}
    full = work / f"synthetic-{size.guides}"
    chars = mean_markdown_chars(full / "content", full / "site_config.yml")
    references = measure_references(ours.pages, chars, size.provinces, work, logs, reference_timeout)
    rows += references
    return rows, ratio(ours, references[-1]), {"mean_markdown_chars": chars, "size": asdict(size)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help=f"smoke run: {QUICK.provinces} x {QUICK.guides} guides")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also save the figures as JSON")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out", help="scratch folder (default: bench/out)")
    parser.add_argument("--reference-timeout", type=float, default=REFERENCE_TIMEOUT, metavar="SECONDS")
    args = parser.parse_args(argv)

    facts = machine()
    rows, headline, extra = run_all(QUICK if args.quick else FULL, args.work.resolve(), args.reference_timeout)
    if code_digest() != facts["code"]:  # someone edited generator/ or theme/ while we measured
        facts["code_at_end"] = code_digest()
        progress(f"warning: generator/ or theme/ changed during the run ({facts['code']} -> {facts['code_at_end']})")
    print(
        f"Site build benchmark, {facts['date']}, {facts['cpus']} CPUs, Python {facts['python']}, "
        f"MkDocs {facts['mkdocs']}, Material {facts['mkdocs-material']}, code {facts['code']}\n"
    )
    print(markdown_table(rows))
    print(f"\nReference / ours at the same page count: {headline}")
    if "mean_markdown_chars" in extra:
        print(f"Reference pages are ~{extra['mean_markdown_chars']} characters of Markdown, our mean page length.")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "machine": facts,
            **extra,
            "ratio_reference_over_ours": headline,
            "rows": [{**asdict(row), "ms_per_page": row.ms_per_page} for row in rows],
        }
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    failed = [row for row in rows if row.name.startswith("Ours: synthetic") and row.status != "ok"]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
