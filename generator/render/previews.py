"""Preview pictures of print files: the first page of a PDF as a small PNG, for the campaign kit page.

A preview is 480 pixels wide, shown 240 CSS pixels wide (sharp on phones that draw two pixels per
CSS pixel), drawn by PDFium (pypdfium2) with its own anti-aliasing and reduced to a 64-colour
palette, as the step pictures are: a leaflet's preview weighs 10 to 30 KB. The same PDF always gives
the same bytes (fixed renderer, palette and encoder; no metadata in the PNG), and a preview is cached
by the PDF's digest, its width and the code and libraries that draw it.

The preview of `<folder>/to-roi-a4-gap-ba.pdf` is `<folder>/to-roi-a4-gap-ba.xem-truoc.png`.

Which print files get a preview, where it goes and its size are the plan's (plan.kit_previews:
page sizes are fixed per format, so the kit page knows them before any PDF exists); this module
draws them. `preview_size` reads the size from a PDF itself.

PDFium is not thread-safe: render previews from one thread per process (the build's workers are
processes, forked before anything is rendered).
"""

from __future__ import annotations

import hashlib
import io
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from PIL import Image, features

from ..cache import RenderCache, code_digest, digest
from ..plan import PREVIEW_WIDTH, paper_preview_size

PREVIEW_COLOURS = 64  # palette size: flat colours, black text and its anti-aliased edges


class PreviewError(Exception):
    """The bytes are not a PDF PDFium can open, or the PDF has no page."""


def preview_size(pdf: bytes, width: int = PREVIEW_WIDTH) -> tuple[int, int]:
    """(width, height) in pixels of the preview pdf_preview(pdf, width) makes: the first page's shape."""
    with _first_page(pdf) as page:
        return paper_preview_size(page.get_size(), width)


def pdf_preview(pdf: bytes, width: int = PREVIEW_WIDTH, cache: RenderCache | None = None) -> bytes:
    """The first page of a PDF as a palette PNG `width` pixels wide, in the page's aspect ratio
    (preview_size); the same bytes for the same PDF. PreviewError if PDFium cannot read it."""
    key = digest(_code(), hashlib.sha256(pdf).hexdigest(), str(width))
    if cache is not None:
        cached = cache.get("preview", key, ".png")
        if cached is not None:
            return cached
    png = _render(pdf, width)
    if cache is not None:
        cache.put("preview", key, ".png", png)
    return png


@contextmanager
def _first_page(pdf: bytes) -> Iterator[pdfium.PdfPage]:
    """The first page of a PDF; the page and the document are closed on leaving."""
    try:
        document = pdfium.PdfDocument(pdf)
    except pdfium.PdfiumError as exc:
        raise PreviewError(f"not a readable PDF: {exc}") from None
    try:
        if len(document) == 0:
            raise PreviewError("the PDF has no page")
        page = document[0]
        try:
            yield page
        finally:
            page.close()
    finally:
        document.close()


def _render(pdf: bytes, width: int) -> bytes:
    with _first_page(pdf) as page:
        size = paper_preview_size(page.get_size(), width)
        # Drawn straight at the preview's size (PDFium's anti-aliasing keeps small text readable),
        # on white, in RGB; page.render() would round the size up from the scale instead.
        bitmap = pdfium.PdfBitmap.new_native(*size, pdfium_c.FPDFBitmap_BGR, rev_byteorder=True)
        bitmap.fill_rect((255, 255, 255, 255), 0, 0, *size)
        pdfium_c.FPDF_RenderPageBitmap(bitmap, page, 0, 0, *size, 0, pdfium_c.FPDF_ANNOT)
        image = bitmap.to_pil().convert("RGB")
        bitmap.close()
    palette = image.quantize(colors=PREVIEW_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", optimize=True)  # Pillow writes no time or text chunks unless asked
    return buffer.getvalue()


@lru_cache(maxsize=1)
def _code() -> str:
    """This module's source, PDFium's build and the libraries that draw and encode: a change to any of
    them makes every preview afresh."""
    distributions = code_digest((sys.modules[__name__],), ("pypdfium2", "pillow"))
    return digest("preview", distributions, str(pdfium.version.PDFIUM_INFO), features.version("zlib") or "")
