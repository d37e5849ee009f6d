"""Lighthouse mobile scores: our built pages against default Material for MkDocs from the same Markdown.

    python bench/lighthouse_bench.py                  # 3 runs per page, builds both sites first
    python bench/lighthouse_bench.py --runs 1 --site site   # reuse an already built site as "ours"

Both sites are served by tests/webserver.py (gzip/brotli, cache headers like a production host) under
one origin, /ours/ and /default/. Lighthouse 12.8.2 (pinned in bench/package.json) runs with its
default mobile preset and simulated throttling in Debian's chromium. Scores on a noisy machine vary,
so each page is measured --runs times and the median is reported. Raw runs: bench/out/lighthouse.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # finds generator/ and tests/ from anywhere

from tests.webserver import serve  # noqa: E402

BENCH = ROOT / "bench"
OUT = BENCH / "out"
LIGHTHOUSE = BENCH / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = {
    "performance": "Performance",
    "accessibility": "Accessibility",
    "best-practices": "Best Practices",
    "seo": "SEO",
}
METRICS = {
    "FCP": "first-contentful-paint",
    "LCP": "largest-contentful-paint",
    "TBT": "total-blocking-time",
    "CLS": "cumulative-layout-shift",
}
CHROME_FLAGS = (
    "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-background-networking"
    " --disable-component-update --no-first-run --disable-quic"
    " --host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"  # no internet: third-party requests fail fast
)


def build_ours(out: Path, province: str) -> None:
    """Our full pipeline (without PDFs), as a subprocess like a user would run it."""
    cmd = [sys.executable, "-m", "generator", "build", "--out", str(out), "--skip", "print", "--no-cache"]
    subprocess.run([*cmd, "--province", province], cwd=ROOT, check=True, stdout=sys.stderr)  # stdout: table only


def build_default(out: Path, province: str) -> None:
    """Plain Material for MkDocs from the same rendered Markdown, extensions and nav; no overrides."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    from generator.build import DEFAULT_THEME, BuildOptions, check
    from generator.plan import plan_build
    from generator.render.pages import render_pages
    from generator.render.site import _MARKDOWN_EXTENSIONS

    site = check(BuildOptions(content=ROOT / "content", config=ROOT / "site_config.yml"))
    plan = next(s for s in plan_build(site, province).sites if s.prefix == province)
    toc = {"toc": {"permalink": True}}  # Material's usual toc: default slugs instead of our Vietnamese slugify
    extensions = [toc if isinstance(e, dict) and "toc" in e else e for e in _MARKDOWN_EXTENSIONS]
    with tempfile.TemporaryDirectory(prefix="lh-default-") as work:
        docs = Path(work) / "docs"
        pages = render_pages(plan, DEFAULT_THEME / "pages")
        # Our theme reads the page summary from `summary:`; plain Material reads `description:`.
        pages = {name: text.replace("\nsummary: ", "\ndescription: ", 1) for name, text in pages.items()}
        files = {**pages, **{a.name: a.data for a in plan.assets}}
        for name, data in files.items():
            (docs / name).parent.mkdir(parents=True, exist_ok=True)
            (docs / name).write_bytes(data.encode() if isinstance(data, str) else data)
        config = {
            "site_name": plan.title,
            "site_url": f"{site.config.base}/{province}/",
            "docs_dir": str(docs),
            "site_dir": str(out / province),
            "use_directory_urls": True,
            "theme": {"name": "material", "language": "vi"},
            "markdown_extensions": extensions,
            "nav": [{title: path} for title, path in plan.nav] or None,
        }
        config_file = Path(work) / "mkdocs.yml"
        config_file.write_text(yaml.safe_dump({k: v for k, v in config.items() if v}, allow_unicode=True), "utf-8")
        build(load_config(str(config_file)))


def lighthouse(url: str, report: Path) -> dict:
    """One Lighthouse run; returns scores, metrics, transfer bytes and failing audits."""
    cmd = [str(LIGHTHOUSE), url, "--only-categories=" + ",".join(CATEGORIES), f"--chrome-flags={CHROME_FLAGS}"]
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    subprocess.run([*cmd, "--output=json", f"--output-path={report}", "--quiet"], env=env, check=True, timeout=300)
    lhr = json.loads(report.read_text("utf-8"))
    audits = lhr["audits"]
    failing = []
    for cat, data in lhr["categories"].items():
        for ref in data["auditRefs"]:
            audit = audits[ref["id"]]
            if ref["weight"] > 0 and audit["scoreDisplayMode"] in ("binary", "numeric") and (audit["score"] or 0) < 1:
                items = audit.get("details", {}).get("items", [])
                first = items[0].get("node", {}).get("snippet") or items[0].get("description", "") if items else ""
                value = audit.get("displayValue", "")
                entry = {"category": cat, "id": ref["id"], "score": audit["score"], "value": value}
                failing.append(entry | {"items": len(items), "first": str(first)[:100]})
    return {
        "url": url,
        "scores": {cat: lhr["categories"][cat]["score"] for cat in CATEGORIES},
        "metrics": {name: audits[aid]["numericValue"] for name, aid in METRICS.items()},
        "transfer": audits["total-byte-weight"]["numericValue"],
        "failing": failing,
        "warnings": lhr.get("runWarnings", []),
    }


def summary(runs: list[dict]) -> dict:
    """Median of every score and metric; failing audits of the run with the median Performance."""
    med = sorted(runs, key=lambda r: r["scores"]["performance"] or 0)[(len(runs) - 1) // 2]
    return {
        "scores": {c: statistics.median(r["scores"][c] or 0 for r in runs) for c in CATEGORIES},
        "metrics": {m: statistics.median(r["metrics"][m] for r in runs) for m in METRICS},
        "transfer": statistics.median(r["transfer"] for r in runs),
        "failing": med["failing"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page (median reported)")
    parser.add_argument("--province", default="vinh-long")
    parser.add_argument("--guide", default="doi-giay-phep-lai-xe")
    parser.add_argument("--site", type=Path, help="reuse this already built site as ours instead of building")
    args = parser.parse_args()
    started = time.perf_counter()
    if not LIGHTHOUSE.exists():
        subprocess.run(["npm", "ci", "--prefix", str(BENCH)], check=True)
    reports = OUT / "lighthouse-reports"
    shutil.rmtree(reports, ignore_errors=True)
    reports.mkdir(parents=True)

    with tempfile.TemporaryDirectory(prefix="lh-sites-") as tmp:
        root = Path(tmp)
        if args.site:
            (root / "ours").symlink_to(args.site.resolve(), target_is_directory=True)
        else:
            build_ours(root / "ours", args.province)
        build_default(root / "default", args.province)
        pages = {"guide": f"{args.province}/huong-dan/{args.guide}/", "home": f"{args.province}/"}
        for build_name in ("ours", "default"):
            for path in pages.values():
                if not (root / build_name / path / "index.html").exists():
                    sys.exit(f"missing {build_name}/{path}index.html: wrong --province/--guide or --site?")
        targets = [(page, build_name) for page in pages for build_name in ("ours", "default")]
        raw: dict[str, list[dict]] = {f"{p}/{b}": [] for p, b in targets}
        with serve(root) as base:
            for i in range(args.runs):  # interleaved, so slow phases of the machine hit every page alike
                for page, build_name in targets:
                    url = f"{base}/{build_name}/{pages[page]}"
                    print(f"run {i + 1}/{args.runs}: {page} ({build_name}) {url}", file=sys.stderr)
                    raw[f"{page}/{build_name}"].append(lighthouse(url, reports / f"{page}-{build_name}-{i + 1}.json"))

    results = {key: summary(runs) for key, runs in raw.items()}
    elapsed = time.perf_counter() - started
    meta = {"lighthouse": "12.8.2", "runs": args.runs, "province": args.province, "guide": args.guide}
    OUT.mkdir(parents=True, exist_ok=True)
    data = {**meta, "wall_seconds": round(elapsed, 1), "median": results, "raw": raw}
    (OUT / "lighthouse.json").write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")

    print(f"Lighthouse 12.8.2, mobile preset (simulated throttling), median of {args.runs} run(s)\n")
    print("| page | build | " + " | ".join(CATEGORIES.values()) + " | FCP | LCP | TBT | CLS | transfer |")
    print("|---" * 11 + "|")
    for key, res in results.items():
        s, m = res["scores"], res["metrics"]
        cells = [*key.split("/"), *(f"{s[c]:.2f}" for c in CATEGORIES)]
        cells += [f"{m['FCP'] / 1000:.1f} s", f"{m['LCP'] / 1000:.1f} s", f"{m['TBT']:.0f} ms", f"{m['CLS']:.3f}"]
        print("| " + " | ".join([*cells, f"{res['transfer'] / 1024:.0f} KiB"]) + " |")
    print("\nNotes: default = Material defaults (Roboto via fonts.googleapis.com, blocked here: no internet),")
    print("same Markdown, extensions and nav; transfer = total-byte-weight (compressed, as served).\n")
    print("Failing audits (median-Performance run):")
    for key, res in results.items():
        print(f"- {key}:" + ("" if res["failing"] else " none"))
        for f in res["failing"]:
            detail = f["value"] or (f"{f['items']}x, e.g. `{f['first']}`" if f["items"] else "")
            print(f"  - {f['category']}: {f['id']} (score {f['score'] or 0:.2f}{', ' + detail if detail else ''})")
    print(f"\nWall time: {elapsed:.0f} s; raw runs in {(OUT / 'lighthouse.json').relative_to(ROOT)}")


if __name__ == "__main__":
    main()
