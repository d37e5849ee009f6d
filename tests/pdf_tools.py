"""Readers for print outputs in tests: poppler's command-line tools, two QR decoders and a small HTML reader.

Everything here runs the real tools on the built files; nothing is mocked.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import zxingcpp
from PIL import Image
from pyzbar import pyzbar

MM = 72 / 25.4  # PDF points per millimetre


# --- PDF -------------------------------------------------------------------------------


def rasterise(pdf: Path, prefix: Path, dpi: int = 150) -> list[Path]:
    """Every page of pdf as a grayscale image (uncompressed PGM: much faster to write than PNG), in page order."""
    subprocess.run(["pdftoppm", "-r", str(dpi), "-gray", str(pdf), str(prefix)], check=True, capture_output=True)
    pages = prefix.parent.glob(f"{prefix.name}-*.pgm")
    return sorted(pages, key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def decode_zxing(image: Image.Image) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)]


def decode_zbar(image: Image.Image) -> list[str]:
    return [s.data.decode("utf-8") for s in pyzbar.decode(image, symbols=[pyzbar.ZBarSymbol.QRCODE])]


@dataclass(frozen=True)
class PageQr:
    """What each decoder read on one rasterised page."""

    zxing: tuple[str, ...]
    zbar: tuple[str, ...]


def decode_page(path: Path) -> PageQr:
    with Image.open(path) as image:
        image.load()
        return PageQr(tuple(decode_zxing(image)), tuple(decode_zbar(image)))


@dataclass(frozen=True)
class Font:
    name: str
    type: str
    embedded: bool
    subset: bool


def pdf_fonts(pdf: Path) -> list[Font]:
    """`pdffonts` rows. Read from the right (emb sub uni object-number generation), so that a name
    longer than its column does not shift the others; the type ("CID TrueType") may hold spaces."""
    lines = subprocess.run(["pdffonts", str(pdf)], check=True, capture_output=True, text=True).stdout.splitlines()
    assert lines[0].split() == ["name", "type", "encoding", "emb", "sub", "uni", "object", "ID"], lines[0]
    fonts = []
    for line in lines[2:]:
        tokens = line.split()
        assert len(tokens) >= 8 and tokens[-5] in ("yes", "no") and tokens[-4] in ("yes", "no"), line
        fonts.append(Font(tokens[0], " ".join(tokens[1:-6]), tokens[-5] == "yes", tokens[-4] == "yes"))
    return fonts


def pdf_text(pdf: Path) -> str:
    """The text in the order it was drawn, which is the order of the HTML it was made from.

    -raw also keeps a hyphen that ends a line: the default mode takes it for a hyphenation and drops it,
    which turns an address printed as "kiem-tra-to-" / "roi/" into "kiem-tra-toroi/"."""
    command = ["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"]
    return subprocess.run(command, check=True, capture_output=True).stdout.decode("utf-8")


def collapse(text: str) -> str:
    """Text as it reads when wrapped lines are joined: runs of whitespace as one space, and none after a
    slash or a hyphen, after which the layout may break a line without a space ("xã/" + "phường",
    "68/2025/TT-" + "BTC"). Apply it to both sides of a comparison."""
    return re.sub(r"([/-]) ", r"\1", " ".join(text.split()))


def compact(text: str) -> str:
    """Without any whitespace, for addresses (they contain none, but may wrap after a '/')."""
    return re.sub(r"\s+", "", text)


# --- HTML ------------------------------------------------------------------------------


@dataclass
class HtmlInfo:
    title: str = ""
    h1: str = ""
    robots: str | None = None
    canonical: str | None = None
    refresh: str | None = None  # the content attribute of the meta refresh, whole
    links: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    data: dict[str, dict[str, str]] = field(default_factory=dict)  # element id -> its data-* attributes
    text: str = ""


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.info = HtmlInfo()
        self._open: list[str] = []  # "title", "h1", "headerlink" while inside them
        self._title: list[str] = []
        self._h1: list[str] = []
        self._text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and a.get("name", "").lower() == "robots":
            self.info.robots = a.get("content")
        if tag == "meta" and a.get("http-equiv", "").lower() == "refresh":
            self.info.refresh = a.get("content")
        if tag == "link" and "canonical" in a.get("rel", "").split():
            self.info.canonical = a.get("href")
        if tag == "a" and "href" in a:
            self.info.links.append(a["href"])
        if tag == "img" and "src" in a:
            self.info.images.append(a["src"])
        if "id" in a:
            self.info.data[a["id"]] = {k.removeprefix("data-"): v for k, v in a.items() if k.startswith("data-")}
        if tag in ("title", "h1"):
            self._open.append(tag)
        elif tag == "a" and "headerlink" in a.get("class", "").split():
            self._open.append("headerlink")
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if self._open and (self._open[-1] == tag or (tag == "a" and self._open[-1] == "headerlink")):
            self._open.pop()
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data):
        if "headerlink" in self._open:
            return
        if "title" in self._open:
            self._title.append(data)
        if "h1" in self._open and not self.info.h1:
            self._h1.append(data)
        if not self._skip and "title" not in self._open:
            self._text.append(data)

    def close(self):
        super().close()
        self.info.title = " ".join("".join(self._title).split())
        self.info.h1 = " ".join("".join(self._h1).split())
        self.info.text = " ".join(" ".join(self._text).split())


def read_html(path: Path) -> HtmlInfo:
    reader = _Reader()
    reader.feed(path.read_text("utf-8"))
    reader.close()
    return reader.info


def refresh_target(content: str) -> str:
    """'0; url=../x/' -> '../x/'."""
    match = re.fullmatch(r"\s*\d+\s*;\s*url\s*=\s*(.+?)\s*", content, re.IGNORECASE)
    assert match, f"not a meta refresh with a URL: {content!r}"
    return match.group(1).strip("'\"")


# --- QR images -------------------------------------------------------------------------

SVG_MODULE_PX = 10  # pixels per SVG user unit (one QR module) when an SVG is drawn by svg_rasters()


def svg_rasters(svgs: list[tuple[Path, int]], workdir: Path) -> list[Image.Image]:
    """Each SVG (with its viewBox size in user units) drawn at 1 mm per unit by WeasyPrint, the renderer
    the print files use, then rasterised at 254 dpi: exactly SVG_MODULE_PX pixels per unit, whatever the
    path looks like inside. One PDF page per SVG, in order; grayscale images."""
    import weasyprint  # only here: importing it is slow

    sizes = sorted({size for _, size in svgs})
    css = "".join(f"@page s{n} {{ size: {n}mm {n}mm; margin: 0 }} .s{n} {{ page: s{n} }}" for n in sizes)
    css += "body { margin: 0 } img { display: block; break-after: page }"
    body = "".join(
        f'<img class="s{size}" src="{path.as_uri()}" style="width: {size}mm; height: {size}mm">' for path, size in svgs
    )
    pdf = workdir / "svgs.pdf"
    weasyprint.HTML(string=f"<html><head><style>{css}</style></head><body>{body}</body></html>").write_pdf(pdf)
    pages = rasterise(pdf, workdir / "svg", dpi=254)
    assert len(pages) == len(svgs), f"{len(pages)} pages for {len(svgs)} SVGs"
    images = []
    for page in pages:
        with Image.open(page) as image:
            images.append(image.convert("L"))
    return images


def dark_box(image: Image.Image, threshold: int = 128) -> tuple[int, int, int, int] | None:
    """(left, top, right, bottom) of the dark pixels, right and bottom exclusive; None if all light."""
    return image.point(lambda v: 255 if v < threshold else 0).getbbox()
