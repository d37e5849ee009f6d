"""Pictures as scenes: boxes, lines of text and QR codes at fixed positions, laid out once with
the print font's own metrics and then drawn three ways: PNG (Pillow), SVG for the web (real
text, the font subset embedded) and SVG inside a print PDF (WeasyPrint draws it with the same
font). Because every line is placed here, the three never disagree and nothing is clipped.
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import fontTools
from fontTools import subset
from PIL import Image, ImageDraw, ImageFont

from ..cache import RenderCache, digest
from . import qr
from .fonts import TEXT_FONTS, fingerprint

WEIGHTS = {"regular": 400, "semibold": 600, "bold": 700}
_FILES = {weight: f"BeVietnamPro-{weight.capitalize().replace('bold', 'Bold')}.ttf" for weight in WEIGHTS}
# Ink that reaches highest and lowest in Vietnamese: stacked marks over capitals, dots below.
_TALLEST = "ỄẶỰẲỖÁg|ÿ"
FONT_FAMILY = "Be Vietnam Pro"


@dataclass(frozen=True)
class Box:
    x: float
    y: float
    width: float
    height: float
    fill: str
    radius: float = 0


@dataclass(frozen=True)
class Line:
    """One line of text; y is its baseline."""

    x: float
    y: float
    text: str
    size: float
    weight: str = "regular"
    fill: str = "#111111"
    anchor: str = "start"  # start | middle | end


@dataclass(frozen=True)
class QrMark:
    x: float
    y: float
    size: float  # the whole code, quiet zone included
    url: str


@dataclass(frozen=True)
class Scene:
    width: int
    height: int
    items: tuple[Box | Line | QrMark, ...]
    label: str  # what the picture shows, for alt text and the SVG title
    background: str = "#ffffff"
    glyphs: str = ""  # characters to embed in SVG fonts; the same for related pictures, so subsets are shared


class DoesNotFit(Exception):
    """A field's text needs more room than the layout has for it."""

    def __init__(self, field: str):
        super().__init__(field)
        self.field = field


# --- Measuring --------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def font(weight: str, size: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(TEXT_FONTS[_FILES[weight]]), size=size, layout_engine=ImageFont.Layout.RAQM)


def width_of(text: str, weight: str, size: float) -> float:
    return font(weight, size).getlength(text)


@lru_cache(maxsize=256)
def extent(weight: str, size: float) -> tuple[float, float]:
    """(ascent, descent) of the tallest Vietnamese ink: a line box that holds these clips nothing."""
    _, top, _, bottom = font(weight, size).getbbox(_TALLEST, anchor="ls")
    return -top, bottom


def wrap(text: str, weight: str, size: float, width: float) -> list[str]:
    """Greedy word wrap; a single word wider than the line does not fit at all."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if width_of(candidate, weight, size) <= width:
            current = candidate
            continue
        if not current or width_of(word, weight, size) > width:
            raise DoesNotFit("")
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    return lines


class Flow:
    """Places text top to bottom inside a column; DoesNotFit(field) past the bottom."""

    def __init__(self, x: float, y: float, width: float, bottom: float):
        self.x, self.y, self.width, self.bottom = x, y, width, bottom
        self.items: list[Box | Line | QrMark] = []

    def text(
        self,
        text: str,
        field: str,
        size: float,
        weight: str = "regular",
        fill: str = "#111111",
        indent: float = 0,
        max_lines: int | None = None,
        space_after: float = 0,
        leading: float = 1.3,
    ) -> float:
        """Adds wrapped text; returns the baseline of its first line."""
        try:
            lines = wrap(text, weight, size, self.width - indent)
        except DoesNotFit:
            raise DoesNotFit(field) from None
        if max_lines is not None and len(lines) > max_lines:
            raise DoesNotFit(field)
        ascent, descent = extent(weight, size)
        pitch = size * leading
        first = self.y + ascent
        for number, content in enumerate(lines):
            self.items.append(Line(self.x + indent, first + number * pitch, content, size, weight, fill))
        self.y = first + (len(lines) - 1) * pitch + descent + space_after
        if self.y > self.bottom:
            raise DoesNotFit(field)
        return first

    def gap(self, height: float) -> None:
        self.y += height


# --- Drawing ------------------------------------------------------------------------------------


def png(scene: Scene) -> bytes:
    image = Image.new("RGB", (scene.width, scene.height), scene.background)
    draw = ImageDraw.Draw(image)
    for item in scene.items:
        if isinstance(item, Box):
            shape = (item.x, item.y, item.x + item.width, item.y + item.height)
            draw.rounded_rectangle(shape, radius=item.radius, fill=item.fill)
        elif isinstance(item, Line):
            anchor = {"start": "ls", "middle": "ms", "end": "rs"}[item.anchor]
            draw.text((item.x, item.y), item.text, font=font(item.weight, item.size), fill=item.fill, anchor=anchor)
        else:
            _draw_qr(image, item)
    # A few flat colours and their anti-aliased edges: a 64-colour palette keeps the file small
    # for weak connections and is quick to encode.
    palette = image.quantize(colors=64, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    buffer = io.BytesIO()
    palette.save(buffer, format="PNG", compress_level=6)
    return buffer.getvalue()


def _draw_qr(image: Image.Image, mark: QrMark) -> None:
    rows = qr.matrix(mark.url)
    module = int(mark.size // len(rows))  # whole pixels per module: crisp edges, reliable scans
    code = Image.new("1", (len(rows), len(rows)), 1)
    code.putdata([0 if dark else 1 for row in rows for dark in row])
    code = code.resize((module * len(rows),) * 2, Image.Resampling.NEAREST)
    offset = (mark.size - module * len(rows)) / 2
    image.paste(code.convert("RGB"), (round(mark.x + offset), round(mark.y + offset)))


def svg(scene: Scene, embed_font: bool = True, cache: RenderCache | None = None) -> str:
    """The scene as SVG with real text (read by screen readers, search engines and tests).

    With embed_font, the used glyphs of each weight are embedded as WOFF2, so the picture
    looks the same on any device; inside a PDF the document's fonts are used instead.
    Making a WOFF2 subset takes about a quarter of a second: `cache` keeps them between builds.
    """
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {scene.width} {scene.height}" '
        f'width="{scene.width}" height="{scene.height}" role="img" aria-label="{_attr(scene.label)}">',
        f"<title>{_text(scene.label)}</title>",
    ]
    lines = [item for item in scene.items if isinstance(item, Line)]
    if embed_font:
        parts.append(f"<style>{_font_faces(lines, scene.glyphs, cache or RenderCache(None))}</style>")
    parts.append(f'<rect width="{scene.width}" height="{scene.height}" fill="{scene.background}"/>')
    for item in scene.items:
        if isinstance(item, Box):
            parts.append(
                f'<rect x="{_n(item.x)}" y="{_n(item.y)}" width="{_n(item.width)}" height="{_n(item.height)}" '
                f'rx="{_n(item.radius)}" fill="{item.fill}"/>'
            )
        elif isinstance(item, Line):
            anchor = "" if item.anchor == "start" else f' text-anchor="{item.anchor}"'
            parts.append(
                f'<text x="{_n(item.x)}" y="{_n(item.y)}" font-family="{FONT_FAMILY}, sans-serif" '
                f'font-size="{_n(item.size)}" font-weight="{WEIGHTS[item.weight]}" fill="{item.fill}"{anchor}>'
                f"{_text(item.text)}</text>"
            )
        else:
            scale = item.size / qr.modules(item.url)
            parts.append(
                f'<g transform="translate({_n(item.x)} {_n(item.y)}) scale({_n(scale)})">'
                f'<rect width="{qr.modules(item.url)}" height="{qr.modules(item.url)}" fill="#fff"/>'
                f'<path d="{qr.path_data(item.url)}" stroke="#000" stroke-width="1"/></g>'
            )
    parts.append("</svg>")
    return "".join(parts)


def _font_faces(lines: list[Line], glyphs: str, cache: RenderCache) -> str:
    faces = []
    characters = "".join(sorted(set(glyphs) | {ch for line in lines for ch in line.text}))
    for weight in sorted({line.weight for line in lines}):
        key = digest(_SUBSET_CODE, fingerprint(), weight, characters)
        data = cache.get("font-subset", key, ".woff2")
        if data is None:
            data = _subset_woff2(weight, characters)
            cache.put("font-subset", key, ".woff2", data)
        faces.append(
            f"@font-face{{font-family:'{FONT_FAMILY}';font-weight:{WEIGHTS[weight]};"
            f"src:url(data:font/woff2;base64,{base64.b64encode(data).decode()}) format('woff2')}}"
        )
    return "".join(faces)


_SUBSET_CODE = digest(Path(__file__).read_bytes(), fontTools.version)  # how subsets are made


@lru_cache(maxsize=512)
def _subset_woff2(weight: str, characters: str) -> bytes:
    options = subset.Options()
    options.flavor = "woff2"
    options.layout_features = ["kern", "liga", "ccmp", "mark", "mkmk"]
    font_file = subset.load_font(str(TEXT_FONTS[_FILES[weight]]), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters + " ")
    subsetter.subset(font_file)
    buffer = io.BytesIO()
    subset.save_font(font_file, buffer, options)
    return buffer.getvalue()


def _n(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _text(text).replace('"', "&quot;")
