"""The campaign kit: seconds per script and per video, a no-change rebuild, and the size of a zip.

    python bench/kit_bench.py [--json bench/out/kit.json]

1. **Per asset**, one process, empty cache, the demo content's first province: each loudspeaker
   script (spoken text, A4 PDF, MP3 draft) and each step video (with narration, then without),
   after one unreported warm-up of each kind (fonts, the tools' start-up). Reported: the median
   seconds per script and per video, and per video the seconds of video made per second of work.
2. **Rebuilds**: the demo content copied to a scratch folder and built with the cache, in this
   process: cold, then with no change, then with no change and `--skip kit`. What the kit adds to
   a no-change rebuild is the difference of the last two, reported beside both.
3. **Zips**: the size of each province's kit zip and how many files it holds.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.build import BuildOptions, build, check  # noqa: E402
from generator.plan import plan_build  # noqa: E402
from generator.render import scripts, speech  # noqa: E402
from generator.render.print import PrintRenderer  # noqa: E402
from generator.render.video import VideoRenderer  # noqa: E402

DEMO = BuildOptions(content=ROOT / "content", config=ROOT / "site_config.yml")


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def quiet(message: str) -> None:
    pass


def timed(work) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


PARTS = ("text_s", "pdf_s", "mp3_s")


def measure_assets() -> dict:
    site = check(DEMO)
    province = next(s for s in plan_build(site).sites if s.kit)
    kit = province.kit
    printer = PrintRenderer(DEMO.theme, site.config, site.assets)
    speed = site.config.campaign.reading_speed

    def one_script(job) -> dict:
        text_s, script = timed(lambda: scripts.script_for(job, site.config))
        pdf_s, _ = timed(lambda: scripts.script_pdf(job, script, printer))
        mp3_s, mp3 = timed(lambda: speech.speak(script.text, speed))
        return {"text_s": text_s, "pdf_s": pdf_s, "mp3_s": mp3_s, "mp3_bytes": len(mp3), "estimate_s": script.seconds}

    one_script(kit.scripts[0])  # warm-up
    script_rows = [one_script(job) for job in kit.scripts]
    totals = [row["text_s"] + row["pdf_s"] + row["mp3_s"] for row in script_rows]

    videos = VideoRenderer(site.config)
    videos.render(kit.videos[0], narrate=False)  # warm-up
    video_rows = []
    for narrate in (True, False):
        for job in kit.videos:
            seconds, video = timed(lambda job=job, narrate=narrate: videos.render(job, narrate=narrate))
            video_rows.append(
                {"narrated": narrate, "seconds": seconds, "video_s": video.seconds, "mp4_bytes": len(video.mp4)}
            )
    return {
        "province": province.prefix,
        "scripts": len(script_rows),
        "script_median_s": statistics.median(totals),
        "script_parts_median_s": {
            k: statistics.median(r[k] for r in script_rows) for k in ("text_s", "pdf_s", "mp3_s")
        },
        "videos": {
            label: summarise([r for r in video_rows if r["narrated"] is narrate])
            for label, narrate in (("narrated", True), ("silent", False))
        },
    }


def summarise(rows: list[dict]) -> dict:
    return {
        "count": len(rows),
        "median_s": statistics.median(r["seconds"] for r in rows),
        "video_seconds_per_second": sum(r["video_s"] for r in rows) / sum(r["seconds"] for r in rows),
        "median_video_s": statistics.median(r["video_s"] for r in rows),
        "median_mp4_kib": statistics.median(r["mp4_bytes"] for r in rows) / 1024,
    }


def measure_rebuilds() -> dict:
    with tempfile.TemporaryDirectory(prefix="kit-bench-", dir=ROOT / "bench" / "out") as work:
        project = Path(work)
        shutil.copytree(ROOT / "content", project / "content")
        shutil.copy(ROOT / "site_config.yml", project / "site_config.yml")
        options = BuildOptions(content=project / "content", config=project / "site_config.yml", out=project / "site")
        runs = {}
        for label, flags in (("cold", {}), ("no change", {}), ("no change, --skip kit", {"skip_kit": True})):
            seconds, report = timed(lambda flags=flags: build(BuildOptions(**{**options.__dict__, **flags}), quiet))
            runs[label] = {"wall_s": seconds, "videos_rendered": report.videos_rendered}
            runs[label] |= {"pdfs_rendered": report.pdfs_rendered, "images_rendered": report.images_rendered}
            progress(f"  {label}: {seconds:.1f} s")
        build(options, quiet)  # the full output again, for its zips
        zips = {
            path.parent.parent.name: {
                "mib": path.stat().st_size / 2**20,
                "files": len(zipfile.ZipFile(path).namelist()),
            }
            for path in sorted((project / "site").glob("*/truyen-thong/*.zip"))
        }
    kit_cost = runs["no change"]["wall_s"] - runs["no change, --skip kit"]["wall_s"]
    return {"runs": runs, "kit_in_no_change_s": kit_cost, "zips": zips}


def report(results: dict) -> str:
    assets = results["assets"]
    parts = assets["script_parts_median_s"]
    lines = [
        f"Per asset, one process, empty cache ({assets['province']}):",
        f"  loudspeaker script: {assets['script_median_s']:.2f} s median over {assets['scripts']} "
        f"(text {parts['text_s']:.3f}, PDF {parts['pdf_s']:.2f}, MP3 {parts['mp3_s']:.2f})",
    ]
    for label, row in assets["videos"].items():
        lines.append(
            f"  video, {label}: {row['median_s']:.1f} s median over {row['count']} "
            f"({row['video_seconds_per_second']:.1f} s of video per second; {row['median_video_s']:.0f} s long, "
            f"{row['median_mp4_kib']:.0f} KiB)"
        )
    rebuilds = results["rebuilds"]
    for label, run in rebuilds["runs"].items():
        lines.append(
            f"  demo build, {label}: {run['wall_s']:.1f} s ({run['videos_rendered']} videos, "
            f"{run['pdfs_rendered']} PDF layouts, {run['images_rendered']} pictures made)"
        )
    lines.append(f"  the kit's share of a no-change rebuild: {rebuilds['kit_in_no_change_s']:.2f} s")
    for province, row in rebuilds["zips"].items():
        lines.append(f"  {province}: kit zip {row['mib']:.1f} MiB, {row['files']} files")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also save the figures here")
    args = parser.parse_args(argv)
    (ROOT / "bench" / "out").mkdir(parents=True, exist_ok=True)
    progress("Scripts and videos, one by one")
    results = {"assets": measure_assets()}
    progress("Demo builds: cold, no change, no change without the kit")
    results["rebuilds"] = measure_rebuilds()
    print(report(results))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
