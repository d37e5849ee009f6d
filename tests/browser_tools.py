"""Real-browser helpers shared by tests/test_browser.py and bench/page_weight.py: Debian's
Chromium through Playwright, a watch on requests leaving 127.0.0.1, and a byte counter."""

from __future__ import annotations

import time
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, Request
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = "/usr/bin/chromium"  # Debian's package (system-packages.txt); no browser is ever downloaded
ARGS = [
    "--no-sandbox",
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",  # any other host fails to resolve
]
PHONE = {"width": 360, "height": 740}


class Outside:
    """Every request the browser makes outside 127.0.0.1, from pages and the service worker.

    Listening, not routing: Playwright's request routing turns the HTTP cache off, which would
    distort the byte counts. The launch flag --host-resolver-rules makes such requests fail anyway.
    """

    def __init__(self, context: BrowserContext):
        self.requests: list[str] = []
        context.on("request", self._record)

    def _record(self, request: Request) -> None:
        url = request.url
        if not url.startswith(("data:", "blob:")) and urlsplit(url).hostname != "127.0.0.1":
            self.requests.append(url)


def new_context(browser: Browser, **options) -> tuple[BrowserContext, Outside]:
    options.setdefault("viewport", PHONE)
    options.setdefault("service_workers", "block")
    context = browser.new_context(**options)
    return context, Outside(context)


class Wire:
    """Bytes on the wire in a context: pages' requests and the service worker's own fetches.

    A response the worker served from its cache costs nothing; one it fetched is counted once,
    as the worker's request. Requests answered by the HTTP cache report 0 bytes.
    """

    def __init__(self, context: BrowserContext):
        self.bytes = 0
        context.on("requestfinished", self._count)

    def _count(self, request: Request) -> None:
        try:
            response = request.response()
            if response is None or response.from_service_worker:
                return
            sizes = request.sizes()
        except PlaywrightError:  # a service worker's request finishing as its context closes
            return
        self.bytes += max(0, sizes["responseBodySize"]) + max(0, sizes["responseHeadersSize"])

    def take(self) -> int:
        taken, self.bytes = self.bytes, 0
        return taken


KEPT = """() => {
    const all = document.querySelector("meta[name=dvc-keep-images]")
    const urls = [location.href.split("#")[0], ...[...document.images]
        .filter(i => i.src && (all || (i.complete && i.naturalWidth))).map(i => i.src)]
    return caches.open("dvc-v1").then(c => Promise.all(urls.map(u => c.match(u)))).then(hits => hits.every(Boolean))
}"""


def wait_until_kept(page: Page, timeout: float = 15) -> None:
    """Until the service worker holds this page and its pictures: all of them on a guide,
    those already loaded elsewhere (dvc.js decides which, the same way). Polled from here:
    wait_for_function would take the promise itself for a true answer."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(KEPT):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the service worker did not keep {page.url} within {timeout} s")
        page.wait_for_timeout(100)
