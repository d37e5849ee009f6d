"""How fast a rebuild applies an edit: the demo content built in this process, as `serve` builds it.

    python bench/incremental.py                 # 3 repeats of each measurement (~4 min on 2 cores)
    python bench/incremental.py --repeats 1     # quicker
    python bench/incremental.py --json bench/out/incremental.json

The demo content (content/ and site_config.yml) is copied to a scratch folder, with its render
cache beside it, and built with the real generator.build.build() in this process, as `serve` does
on every save. Two sets of options:

- serve: skip_print=True, all cores (what `serve` uses, without `--print`);
- full:  PDFs too, all cores (what `build` does).

For each, `--repeats` times in a row:

(a) cold: no output and an empty render cache (nothing to reuse);
(b) no change: the same content again;
(c) one edit: the title of one step of one guide changed (a different title each time, so the
    cache never already holds it), which changes that guide's page in every province, its
    pictures, its PDFs and whatever shows its steps.

Reported: wall time of build() (median, and every run in the JSON) and what it redid: sites MkDocs
built (the rest came unchanged from the cache), pictures drawn and WeasyPrint layouts run; and the
most of the machine that other processes used during any of the repeats ("others' CPU", as in
bench/site_build.py).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.site_build import mark, others_share  # noqa: E402
from generator.build import CACHE_DIR, BuildOptions, build  # noqa: E402

EDITED_GUIDE = "dang-nhap-vneid"
STEP_TITLE = re.compile(r"^(\s*- title: )(.+)$", re.MULTILINE)
TARGET_SECONDS = 2.0  # serve applies an edit to one guide within this
MODES = {"serve": {"skip_print": True}, "full": {"skip_print": False}}
PHASES = ("cold", "no change", "one edit")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def quiet(message: str) -> None:
    pass


def edit_step_title(guide: Path, number: int) -> str:
    """Change the title of the guide's first step (a different title for every `number`); returns it."""
    text = guide.read_text("utf-8")
    steps = text.index("\nsteps:")
    match = STEP_TITLE.search(text, steps)
    if match is None:
        raise SystemExit(f"{guide}: no step title found")
    original = re.sub(r" \(sửa \d+\)$", "", match[2])
    title = f"{original} (sửa {number})"
    guide.write_text(text[: match.start(2)] + title + text[match.end(2) :], "utf-8")
    return title


def timed_build(options: BuildOptions) -> dict:
    before = mark()
    started = time.perf_counter()
    report = build(options, quiet)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "others_cpu_share": others_share(before, mark()),  # of the machine, used by other processes meanwhile
        "sites_built": report.sites_built,
        "sites": report.sites,
        "images_rendered": report.images_rendered,
        "images": report.images,
        "pdfs_rendered": report.pdfs_rendered,
        "pdfs": report.pdfs,
        "pages": report.pages,
        "files": report.files,
        "stage_seconds": report.stage_seconds,
    }


def measure(work: Path, repeats: int, guide_slug: str, jobs: int) -> dict:
    content, config = work / "content", work / "site_config.yml"
    guide = content / "guides" / f"{guide_slug}.yml"
    edits = 0
    results: dict[str, dict[str, list[dict]]] = {}
    for mode, settings in MODES.items():
        options = BuildOptions(content=content, config=config, out=work / "site", jobs=jobs, **settings)
        runs: dict[str, list[dict]] = {phase: [] for phase in PHASES}
        for repeat in range(1, repeats + 1):
            shutil.rmtree(work / CACHE_DIR, ignore_errors=True)
            shutil.rmtree(work / "site", ignore_errors=True)
            for phase in PHASES:
                if phase == "one edit":
                    edits += 1
                    edit_step_title(guide, edits)
                run = timed_build(options)
                runs[phase].append(run)
                progress(
                    f"  {mode}, {phase}, run {repeat}: {run['seconds']:.2f} s, {run['sites_built']} sites built, "
                    f"{run['images_rendered']} pictures drawn, {run['pdfs_rendered']} PDF layouts"
                )
        results[mode] = runs
    return results


def summary(runs: list[dict]) -> dict:
    """Median seconds; the counts of the median run (they are the same in every run)."""
    ordered = sorted(runs, key=lambda run: run["seconds"])
    middle = ordered[(len(ordered) - 1) // 2]
    return {
        "median_s": statistics.median(run["seconds"] for run in runs),
        "min_s": ordered[0]["seconds"],
        "max_s": ordered[-1]["seconds"],
        **{key: middle[key] for key in ("sites_built", "sites", "images_rendered", "images", "pdfs_rendered", "pdfs")},
        "stage_seconds": middle["stage_seconds"],
        "others_max": others_max(runs),
    }


def others_max(runs: list[dict]) -> str:
    """The most of the machine other processes used during any of the runs, as a percentage."""
    shares = [run["others_cpu_share"] for run in runs if run.get("others_cpu_share") is not None]
    return f"≤ {100 * max(shares):.0f} %" if shares else "–"


def table(results: dict) -> str:
    lines = [
        "| options | build | median (s) | min–max (s) | sites built | pictures drawn | PDF layouts (PDFs) "
        "| others' CPU |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for mode, runs in results.items():
        for phase in PHASES:
            row = summary(runs[phase])
            pdfs = "–" if MODES[mode]["skip_print"] else f"{row['pdfs_rendered']} ({row['pdfs']})"
            lines.append(
                f"| {mode} | {phase} | {row['median_s']:.2f} | {row['min_s']:.2f}–{row['max_s']:.2f} | "
                f"{row['sites_built']} of {row['sites']} | {row['images_rendered']} of {row['images']} | {pdfs} | "
                f"{row['others_max']} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--guide", default=EDITED_GUIDE, help=f"the guide whose step title is edited ({EDITED_GUIDE})")
    parser.add_argument("--jobs", type=int, default=0, help="build processes (default: all cores, as serve)")
    parser.add_argument("--work", type=Path, default=ROOT / "bench" / "out" / "incremental", help="scratch folder")
    parser.add_argument("--json", type=Path, help="also save every run here")
    args = parser.parse_args(argv)

    work = args.work.resolve()
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copytree(ROOT / "content", work / "content")
    shutil.copy(ROOT / "site_config.yml", work / "site_config.yml")
    progress(f"Incremental builds of the demo content in {work}, {args.repeats} repeat(s)")
    results = measure(work, args.repeats, args.guide, args.jobs)
    options = BuildOptions(jobs=args.jobs)

    print(
        f"Rebuilds in one process (as `serve`), demo content, {options.processes} build processes, "
        f"median of {args.repeats}; the edit changes one step title of guide {args.guide}:\n"
    )
    print(table(results))
    print("\nWhere the time of the median run goes (seconds per stage, summed over the build processes):\n")
    for mode, runs in results.items():
        for phase in PHASES:
            stages = summary(runs[phase])["stage_seconds"]
            shares = ", ".join(f"{stage} {seconds:.2f}" for stage, seconds in stages.items())
            print(f"- {mode}, {phase}: {shares}")
    edit = summary(results["serve"]["one edit"])["median_s"]
    verdict = "met" if edit <= TARGET_SECONDS else "NOT met"
    print(f"\nserve applies an edit to one guide in {edit:.2f} s (target ≤ {TARGET_SECONDS:g} s): {verdict}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "repeats": args.repeats,
            "guide": args.guide,
            "processes": options.processes,
            "modes": MODES,
            "summary": {mode: {phase: summary(runs[phase]) for phase in PHASES} for mode, runs in results.items()},
            "runs": results,
        }
        args.json.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
