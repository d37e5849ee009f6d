"""Bytes a phone transfers for each kind of page: on a first visit (nothing cached, the service
worker installing and keeping the page), and as the next page after the province home.

    python bench/page_weight.py [--site DIR]     # without --site, builds the demo (no PDFs) first

Served by tests/webserver.py (brotli, cache headers like a production host) to Debian's
Chromium; counted as in tests/test_browser.py (pages' requests plus the service worker's own).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from tests.browser_tools import ARGS, CHROMIUM, Wire, new_context, wait_until_kept  # noqa: E402
from tests.webserver import serve  # noqa: E402

PAGES = {
    "national landing": "",
    "province home": "vinh-long/",
    "guides index": "vinh-long/huong-dan/",
    "guide": "vinh-long/huong-dan/doi-giay-phep-lai-xe/",
    "FAQ": "vinh-long/hoi-dap/tai-khoan-vneid/",
    "print materials": "vinh-long/tai-lieu-in/",
    "results": "vinh-long/ket-qua/",
    "search (index fetched)": "vinh-long/tim-kiem/?q=doi%20bang%20lai",
}
HOME = "vinh-long/"


def measure(site: Path) -> list[tuple[str, int, int]]:
    rows = []
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for kind, path in PAGES.items():
            sizes = []
            for warm_up in (None, HOME):
                context, _ = new_context(browser, service_workers="allow")
                page = context.new_page()
                if warm_up:
                    page.goto(f"{base}/{warm_up}", wait_until="networkidle")
                    wait_until_kept(page)
                wire = Wire(context)
                page.goto(f"{base}/{path}", wait_until="networkidle")
                wait_until_kept(page)
                sizes.append(wire.take())
                context.close()
            rows.append((kind, *sizes))
        browser.close()
    return rows


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, help="an already built output folder")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="page-weight-") as work:
        site = args.site
        if site is None:
            site = Path(work) / "site"
            command = [sys.executable, "-m", "generator", "build", "--skip", "print", "--no-cache", "--out", str(site)]
            subprocess.run([*command, "--province", "vinh-long"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        rows = measure(site)
    print("| page | first visit | after the province home |")
    print("|---|--:|--:|")
    for kind, first, next_page in rows:
        print(f"| {kind} | {first / 1000:.1f} KB | {next_page / 1000:.1f} KB |")


if __name__ == "__main__":
    main()
