"""QR codes for print and download: SVG (vector, for PDFs and the web) and PNG at 300 dpi."""

from __future__ import annotations

import io
import sys
from functools import lru_cache

import qrcode
from PIL import Image, features

from ..cache import RenderCache, code_digest, digest

MAX_VERSION = 4  # 33x33 modules: scans from a leaflet at arm's length on a cheap phone camera
QUIET_ZONE = 4  # modules of white around the code, as the standard asks
PNG_DPI = 300
PNG_MODULE_PX = 10  # 10 px at 300 dpi = 0.85 mm per module


class QrTooLarge(ValueError):
    """The short URL needs a QR code bigger than version 4; base_url is too long."""


@lru_cache(maxsize=4096)
def matrix(url: str) -> tuple[tuple[bool, ...], ...]:
    """The code's modules, quiet zone included, at error correction level M."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(url)
    code.make(fit=True)
    if code.version > MAX_VERSION:
        raise QrTooLarge(
            f"{url!r} needs QR version {code.version}; at most {MAX_VERSION} scans reliably from paper: "
            "use a shorter base_url"
        )
    return tuple(tuple(row) for row in code.get_matrix())


def modules(url: str) -> int:
    """Width of the code in modules, quiet zone included."""
    return len(matrix(url))


def svg(url: str, label: str = "") -> str:
    """A standalone SVG: one path of horizontal runs of dark modules, crisp at any size.

    Each run is a line one module thick along the middle of its row: a third of the numbers
    of one square per module, which WeasyPrint draws in half the time."""
    size = modules(url)
    path = path_data(url)
    title = f"<title>{_escape(label)}</title>" if label else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges" '
        f'role="img"{f" aria-label={_quote(label)}" if label else ""}>{title}'
        f'<rect width="{size}" height="{size}" fill="#fff"/><path d="{path}" stroke="#000" stroke-width="1"/></svg>'
    )


def path_data(url: str) -> str:
    """SVG path of the dark modules in module units, to be stroked one module wide."""
    return "".join(f"M{x} {y}.5h{width}" for y, row in enumerate(matrix(url)) for x, width in _runs(row))


def _runs(row: tuple[bool, ...]):
    """(start, length) of each run of dark modules in a row."""
    start = None
    for x, dark in enumerate((*row, False)):
        if dark and start is None:
            start = x
        elif not dark and start is not None:
            yield start, x - start
            start = None


def png(url: str) -> bytes:
    """A PNG at 300 dpi, PNG_MODULE_PX pixels per module, black on white."""
    rows = matrix(url)
    size = len(rows)
    image = Image.new("1", (size, size), 1)
    image.putdata([0 if dark else 1 for row in rows for dark in row])
    image = image.resize((size * PNG_MODULE_PX, size * PNG_MODULE_PX), Image.Resampling.NEAREST)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", dpi=(PNG_DPI, PNG_DPI), optimize=True)
    return buffer.getvalue()


def files(url: str, cache: RenderCache) -> tuple[bytes, bytes]:
    """(PNG, SVG) bytes of the code, the same as png(url) and svg(url), made once and then read from the cache."""
    key = digest(_code(), url)
    png_data, svg_data = cache.get("qr", key, ".png"), cache.get("qr", key, ".svg")
    if png_data is None or svg_data is None:
        png_data, svg_data = png(url), svg(url).encode("utf-8")
        cache.put("qr", key, ".png", png_data)
        cache.put("qr", key, ".svg", svg_data)
    return png_data, svg_data


@lru_cache(maxsize=1)
def _code() -> str:
    """This module's source and the libraries that make the files: any change to them makes the codes afresh."""
    return digest(code_digest((sys.modules[__name__],), ("qrcode", "pillow")), features.version("zlib") or "")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _quote(text: str) -> str:
    return '"' + _escape(text).replace('"', "&quot;") + '"'
