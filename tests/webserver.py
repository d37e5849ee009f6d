"""A static web server for browser tests and benchmarks, configured like a production host.

Like `python -m http.server`, bound to 127.0.0.1, plus what docs/deploy.md asks of a real
server: gzip or brotli for text types and long caching for fingerprinted assets. Byte budgets
measured through it are what a phone would transfer.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import brotli

COMPRESSIBLE = {
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
    "application/xml",
    "text/xml",
    "text/plain",
}
FINGERPRINTED = re.compile(r"\.[0-9a-f]{8}\.(min\.)?(css|js)$")  # Material's hashed names (the theme's: ?v=<hash>)


@functools.lru_cache(maxsize=4096)
def _encode(path: str, mtime: float, encoding: str) -> bytes:
    raw = Path(path).read_bytes()
    return brotli.compress(raw, quality=11) if encoding == "br" else gzip.compress(raw, compresslevel=9, mtime=0)


class CompressingHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {  # noqa: RUF012 (the base class declares it a plain dict)
        **http.server.SimpleHTTPRequestHandler.extensions_map,
        ".js": "text/javascript",
        ".json": "application/json",
        ".webmanifest": "application/manifest+json",
    }
    offer_brotli = True

    def end_headers(self) -> None:
        path, _, query = self.path.partition("?")
        if FINGERPRINTED.search(path) or query.startswith("v="):
            self.send_header("Cache-Control", "public, max-age=31536000, immutable")
        elif path.endswith("/sw.js"):
            self.send_header("Cache-Control", "no-cache")
        else:
            self.send_header("Cache-Control", "public, max-age=600")
        super().end_headers()

    def send_head(self):
        path = self.translate_path(self.path)
        if os.path.isdir(path):
            if not self.path.split("?", 1)[0].endswith("/"):
                return super().send_head()  # the usual 301 to the address with a slash
            path = os.path.join(path, "index.html")
        content_type = self.guess_type(path)
        accepted = {part.split(";")[0].strip() for part in self.headers.get("Accept-Encoding", "").split(",")}
        encoding = "br" if self.offer_brotli and "br" in accepted else "gzip" if "gzip" in accepted else None
        if encoding is None or not os.path.isfile(path) or content_type.split(";")[0] not in COMPRESSIBLE:
            return super().send_head()
        stat = os.stat(path)
        body = _encode(path, stat.st_mtime, encoding)
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Encoding", encoding)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Last-Modified", self.date_time_string(int(stat.st_mtime)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, *args) -> None:
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve `root` on a free port of 127.0.0.1; yields the base URL (without a trailing slash)."""
    handler = functools.partial(CompressingHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
