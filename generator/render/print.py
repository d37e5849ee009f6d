"""Print: leaflets, posters and full guides as PDFs, rendered by WeasyPrint from theme/print/.

Every PDF is checked after layout, on the boxes WeasyPrint actually placed:
text that runs out of its panel, a QR code printed with modules under 0.5 mm,
text that a black-and-white photocopy would make unreadable, and a page count
that differs from the format. Text is shrunk in small steps to a minimum size
before a misfit is reported. Fonts come from the Be Vietnam Pro package and are
embedded (subset) in every PDF; a character the font lacks is an error.
"""

from __future__ import annotations

import gc
import hashlib
import io
import re
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import markdown
import pikepdf
import weasyprint
from markupsafe import Markup
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..cache import RenderCache, digest
from ..links import MARKDOWN_EXTENSIONS, ContentLink, resolve_links
from ..load import Asset
from ..models import SiteConfig
from ..plan import CHECK_PAGE, GUIDES_DIR, PrintJob
from . import qr, scene
from .fonts import FONT_FILES, covered_characters, fingerprint
from .infographics import InfographicError, StepFacts, step_scene
from .pages import environment

MIN_MODULE_MM = 0.5
MIN_GRAY_CONTRAST = 4.5
SHRINK_STEPS = (1.0, 0.93, 0.86)  # the smallest is the minimum text size: 86 % of the design size
PX_PER_MM = 96 / 25.4
_RENDERER_VERSION = "4"  # bump when a change here alters the PDFs for the same input
LAYOUT_SECONDS = 60  # the longest a layout run may take, plus a second per 10 KB of HTML (commune batches)
LAYOUT_BYTES_PER_SECOND = 10_000
SAFE_MARGIN_MM = 4  # most printers cannot print closer to the paper's edge
PT_PER_PX = 0.75  # PDF points per CSS pixel


@dataclass(frozen=True)
class Format:
    template: str
    pages: int | None  # None: as many as the content needs


FORMATS = {
    "a4-trifold": Format("leaflet-a4-trifold.html.j2", 2),
    "a5": Format("leaflet-a5.html.j2", 2),
    "a6": Format("leaflet-a6.html.j2", 2),
    "guide-a4": Format("guide-a4.html.j2", None),
    "poster-a4": Format("poster.html.j2", 1),
    "poster-a3": Format("poster.html.j2", 1),
    "infographic-a4": Format("pictures.html.j2", 1),
    "infographic-a3": Format("pictures.html.j2", 1),
}
PICTURE_SIZE = (794, 1123)  # the step infographic for print: A4 in CSS pixels, scaled up for A3


class PrintError(Exception):
    """A PDF that cannot be printed as designed; the message names the file, panel and field."""

    def __init__(self, job: PrintJob, message: str):
        self.job = job
        super().__init__(f"{job.path}: {message}")


class _TimeUp(Exception):
    pass


@contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Raise _TimeUp in the main thread after `seconds` (elsewhere, no limit: signals need the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def time_up(signum, frame):
        raise _TimeUp

    previous = signal.signal(signal.SIGALRM, time_up)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for one block of WeasyPrint work, then on again.

    A laid-out document is a large tree of boxes and styles that lives until the PDF is written;
    every full collection walks all of it, so with the collector on a batch of communes costs
    more per commune the larger it grows. The garbage of the block is collected afterwards.
    Output bytes are the same either way.
    """
    if not gc.isenabled():  # already paused by an enclosing block
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@dataclass(frozen=True)
class Rendered:
    pdf: bytes
    scale: float  # 1.0, or the step the text was shrunk to so that it fits


class _Fetcher(URLFetcher):
    """Serves only the bundled fonts and the content's own images; anything else stops the render."""

    def __init__(self, assets: dict[str, Asset], job: str):
        super().__init__(allow_redirects=False)
        self.assets = assets
        self.job = job

    def fetch(self, url, headers=None):
        scheme, _, name = url.partition(":")
        if scheme == "dvc-font" and name in FONT_FILES:
            return URLFetcherResponse(url, FONT_FILES[name].read_bytes(), {"Content-Type": "font/ttf"})
        if scheme == "dvc-asset" and name in self.assets:
            return URLFetcherResponse(url, self.assets[name].data, {"Content-Type": _mime(name)})
        raise FatalURLFetchingError(f"refused to fetch {url!r}: print files may only use the content's own images")


def _mime(name: str) -> str:
    suffix = name.rsplit(".", 1)[-1].lower()
    return {"jpg": "image/jpeg", "jpeg": "image/jpeg", "svg": "image/svg+xml"}.get(suffix, f"image/{suffix}")


class PrintRenderer:
    """Renders PrintJobs to PDF bytes with one font configuration and template set."""

    def __init__(self, theme: Path, config: SiteConfig, assets: dict[str, Asset], cache: RenderCache | None = None):
        self.templates = theme / "print"
        self.config = config
        self.assets = assets
        self.cache = cache or RenderCache(None)
        self.renders = 0  # WeasyPrint layouts actually run, for tests and benchmarks
        self.env = environment(self.templates)
        self.font_config = FontConfiguration()
        self._css = (self.templates / "print.css").read_text("utf-8")
        self.stylesheet = weasyprint.CSS(
            string=self._css,
            font_config=self.font_config,
            url_fetcher=_Fetcher(assets, "print.css"),
        )

    def html(self, job: PrintJob, scale: float = 1.0, part: str = "all") -> str:
        fmt = FORMATS[job.format]
        template = self.env.get_template(fmt.template)
        province = job.province
        commune = job.commune
        pictures = [self._picture(job)] if job.format.startswith("infographic") else []
        return template.render(
            pictures=pictures,
            title=f"{job.items[0].guide.title} – {province.name}",
            job=job,
            format=job.format,
            label=job.label,
            scale=scale,
            part=part,
            config=self.config,
            province=province,
            commune=commune,
            items=job.items,
            item=job.items[0],
            guide=job.items[0].guide,
            centre=commune.service_centre if commune else province.service_centre,
            team=commune.volunteer_team if commune else None,
            hotlines=province.hotlines,
            portal=province.portals[0],
            check_url=f"{self.config.base}/{CHECK_PAGE.removesuffix('.md')}/",
            qr_svg=lambda item: Markup(
                _qr_box(item.qr.url) if part == "variant" else qr.svg(item.qr.url, f"Mã QR dẫn tới {item.qr.display}")
            ),
            md=lambda text: Markup(self._markdown(text, job)),
        )

    def _picture(self, job: PrintJob) -> Markup:
        """The step infographic as SVG, drawn in the PDF with the document's own fonts."""
        item = job.items[0]
        try:
            picture = step_scene(StepFacts.of(item.guide, item.qr, self.config), *PICTURE_SIZE)
        except InfographicError as exc:
            raise PrintError(job, str(exc)) from None
        return Markup(scene.svg(picture, embed_font=False))

    def pictures_pdf(self, svgs: list[str], path_for_errors: str, title: str = "") -> bytes:
        """Pictures drawn by the build (scene SVGs without embedded fonts), one per A4 page, laid out whole
        with the document's own fonts; cached like every PDF. PrintError names path_for_errors."""
        pictures = [Markup(svg) for svg in svgs]
        return self.document_pdf(
            "pictures.html.j2", path_for_errors, len(svgs), pictures=pictures, title=title, format="pictures-a4"
        )

    def document_pdf(self, template: str, path_for_errors: str, pages: int | None = None, **context) -> bytes:
        """A flowing document of theme/print/<template> (an announcer's script, a quiz sheet, pictures):
        laid out whole, every glyph checked, cached like every PDF. PrintError names path_for_errors;
        `pages`, if given, is how many pages it must have."""
        job = SimpleNamespace(path=path_for_errors, source=None)  # what PrintError reports
        context = {"label": context.get("title", ""), "format": template.split(".")[0], "scale": 1.0, **context}
        html = self.env.get_template(template).render(config=self.config, **context)
        key = digest(_RENDERER_VERSION, weasyprint.__version__, template, self._css, fingerprint(), html)
        cached = self.cache.get("print", key, ".pdf")
        if cached is not None:
            return cached
        with _gc_paused():
            document = self._document(html, job)  # type: ignore[arg-type]  # checks every glyph, counts the layout
            if pages is not None and len(document.pages) != pages:
                raise PrintError(job, f"{len(document.pages)} pages instead of {pages}")  # type: ignore[arg-type]
            pdf = document.write_pdf()
        self.cache.put("print", key, ".pdf", pdf)
        return pdf

    def render(self, job: PrintJob) -> Rendered:
        """The PDF for one job, shrinking text step by step until it fits; PrintError if it never does."""
        key = self._key(job, "single")
        cached = self._cached(key)
        if cached:
            return cached
        with _gc_paused():
            document, scale = self._laid_out(job, "all")
            self._check_print_quality(document.pages, job)
            pdf = document.write_pdf()
        return self._store(key, Rendered(pdf, scale))

    def render_communes(self, jobs: list[PrintJob]) -> dict[str, Rendered]:
        """One leaflet for many communes: the shared layer is laid out once, then each commune's own
        layer (address, duty hours, QR code) is laid out in one batch and stamped onto a copy of it.

        All jobs share guide, province and format. Only the sheets that hold a commune's slots are in
        the batch, and the QR code's modules are drawn into the stamped page (the batch keeps an empty
        box of the same size, so the module-size check still runs). A commune whose own text does not
        fit at the size of the shared layer is rendered on its own.
        """
        shared_html = self.html(jobs[0], 1.0, "shared")  # the same for every job of a batch
        variants = [self.html(job, 1.0, "variant") for job in jobs]
        # Each commune's PDF carries the font subsets of the whole batch, so its key names the batch
        # too, and a batch is laid out whole or not at all: cached or not, the bytes are the same.
        batch_key = digest(*variants)
        keys = {job.path: self._layered_key(shared_html, batch_key, variants[n]) for n, job in enumerate(jobs)}
        cached = self._all_cached(keys)
        if cached is not None:
            return cached
        results: dict[str, Rendered] = {}
        with _gc_paused():
            shared, scale = self._laid_out(jobs[0], "shared")
            base = shared.write_pdf()
            htmls = variants if scale == 1.0 else [self.html(job, scale, "variant") for job in jobs]
            batch, keep = _batch_html(htmls)
            layers = self._document(batch, jobs[0])
            overlay = _overlay(layers.write_pdf())
            for index, job in enumerate(jobs):
                own = layers.pages[index * len(keep) : (index + 1) * len(keep)]
                if len(own) != len(keep) or self._fit_problems(own, job, len(keep)):
                    results[job.path] = self._store(keys[job.path], self.render(job))
                    continue
                self._check_print_quality(own, job)
                layer_pages = range(index * len(keep), (index + 1) * len(keep))
                pdf = _stamp(base, overlay, dict(zip(keep, layer_pages, strict=True)), _qr_operators(own, keep))
                results[job.path] = self._store(keys[job.path], Rendered(pdf, scale))
        return results

    def _key(self, job: PrintJob, method: str) -> str:
        html = self.html(job, 1.0, "all")
        return digest(_RENDERER_VERSION, weasyprint.__version__, method, self._css, fingerprint(), html)

    def _layered_key(self, shared_html: str, batch_key: str, variant_html: str) -> str:
        """A commune's leaflet is made of the shared layer, its own layer and the batch it was laid out in."""
        parts = (self._css, fingerprint(), shared_html, batch_key, variant_html)
        return digest(_RENDERER_VERSION, weasyprint.__version__, "layered", *parts)

    def _all_cached(self, keys: dict[str, str]) -> dict[str, Rendered] | None:
        """Every PDF of a batch (by path) from the cache, or None as soon as one is missing."""
        found = {}
        for path, key in keys.items():
            rendered = self._cached(key)
            if rendered is None:
                return None
            found[path] = rendered
        return found

    def _cached(self, key: str) -> Rendered | None:
        for scale in SHRINK_STEPS:
            data = self.cache.get("print", key, f".{round(scale * 100)}.pdf")
            if data is not None:
                return Rendered(data, scale)
        return None

    def _store(self, key: str, rendered: Rendered) -> Rendered:
        self.cache.put("print", key, f".{round(rendered.scale * 100)}.pdf", rendered.pdf)
        return rendered

    def _laid_out(self, job: PrintJob, part: str):
        problems: list[str] = []
        for scale in SHRINK_STEPS:
            document = self._document(self.html(job, scale, part), job)
            problems = self._fit_problems(document.pages, job)
            if not problems:
                return document, scale
        smallest = round(SHRINK_STEPS[-1] * 100)
        raise PrintError(job, f"text does not fit even at {smallest}% size: " + "; ".join(problems) + ". Shorten it.")

    def _document(self, html: str, job: PrintJob):
        self._check_glyphs(html, job)
        self.renders += 1
        # A leaflet lays out in a fraction of a second; content that makes WeasyPrint run for
        # minutes is an error, not a reason to hold up every other province's build.
        seconds = LAYOUT_SECONDS + len(html) / LAYOUT_BYTES_PER_SECOND
        try:
            with _time_limit(seconds):
                return weasyprint.HTML(string=html, url_fetcher=_Fetcher(self.assets, job.path)).render(
                    stylesheets=[self.stylesheet], font_config=self.font_config
                )
        except FatalURLFetchingError as exc:
            raise PrintError(job, str(exc)) from None
        except _TimeUp:
            raise PrintError(job, f"layout took longer than {seconds:.0f} s: shorten the text") from None

    def _markdown(self, text: str, job: PrintJob) -> str:
        """Author Markdown for paper: guide:/faq: links become full addresses that can be typed."""
        base = f"{self.config.base}/{job.province.slug}"

        def url(link: ContentLink) -> str:
            if link.scheme == "guide":
                return f"{base}/{GUIDES_DIR}/{link.name}/{link.anchor}"
            return f"{base}/hoi-dap/#{link.name}"

        return markdown.markdown(resolve_links(text, url), extensions=list(MARKDOWN_EXTENSIONS))

    def _check_glyphs(self, html: str, job: PrintJob) -> None:
        covered = covered_characters()
        missing = sorted(ch for ch in set(html) if ord(ch) > 0x7E and ord(ch) not in covered)
        if missing:
            text = " ".join(re.sub(r"<[^>]*>", " ", html).split())  # the words around it, on one line
            where = []
            for ch in missing:
                at = text.find(ch)
                where.append(f"{ch!r} (U+{ord(ch):04X}) in “…{text[max(0, at - 30) : at + 10]}…”")
            raise PrintError(job, "the print font has no glyph for " + ", ".join(where))

    def _fit_problems(self, pages, job: PrintJob, expected: int | None = None) -> list[str]:
        """What does not fit; `expected` pages, by default the format's (a commune batch has fewer)."""
        expected = FORMATS[job.format].pages if expected is None else expected
        problems = []
        if expected is not None and len(pages) != expected:
            problems.append(f"{len(pages)} pages instead of {expected}")
        first_page: dict[str, int] = {}
        for number, page in enumerate(pages, start=1):
            for panel, box in _panels(page._page_box):
                if first_page.setdefault(panel, number) != number:  # the layout broke it onto another page
                    fields = ", ".join(dict.fromkeys(name for _, name, _ in _fields(box))) or "its text"
                    problems.append(f"panel “{panel}” runs onto page {number}: {fields}")
                    continue
                problems += [
                    f"page {number}, panel “{panel}”: field {field} runs past the panel"
                    for field in _overflowing_fields(box, page.height)
                ]
            problems += [
                f"page {number}, panel “{panel}”: field {field} is cut off (not all of its text fits)"
                for panel, field in _cut_off_fields(page._page_box)
            ]
        return list(dict.fromkeys(problems))

    def _check_print_quality(self, pages, job: PrintJob) -> None:
        problems = []
        for page in pages:
            for box, background in _walk_with_background(page._page_box, None):
                element = getattr(box, "element", None)
                if element is not None and element.get("data-qr") and box.element_tag == "div":
                    mm = box.width / PX_PER_MM / qr.modules(element.get("data-qr"))
                    if mm < MIN_MODULE_MM:
                        problems.append(
                            f"QR code printed at {mm:.2f} mm per module (minimum {MIN_MODULE_MM} mm); "
                            "make it larger in the template"
                        )
                problems += _gray_contrast_problems(box, background)
        if problems:
            raise PrintError(job, "; ".join(sorted(set(problems))))


def _overlay(pdf: bytes) -> pikepdf.Pdf:
    """The commune layers, their font subsets renamed so that no two subsets in one leaflet
    share a name (WeasyPrint derives the tag from the font, not from the glyphs kept)."""
    overlay = pikepdf.open(io.BytesIO(pdf))
    for font in overlay.objects:
        if isinstance(font, pikepdf.Dictionary) and font.get("/Type") == pikepdf.Name.Font and "/BaseFont" in font:
            font.BaseFont = pikepdf.Name(_retagged(str(font.BaseFont)))
            descriptor = font.get("/FontDescriptor")
            if descriptor is not None:
                descriptor.FontName = pikepdf.Name(_retagged(str(descriptor.FontName)))
    return overlay


def _retagged(name: str) -> str:
    """'/ABCDEF+Font' with a different six-letter subset tag, the same for the same input."""
    tag, plus, rest = name[1:].partition("+")
    if not plus or len(tag) != 6:
        return name
    letters = "".join(chr(ord("A") + b % 26) for b in hashlib.sha256(f"layer:{tag}".encode()).digest()[:6])
    return f"/{letters}+{rest}"


def _stamp(base: bytes, overlay: pikepdf.Pdf, layers: dict[int, int], extra: dict[int, bytes]) -> bytes:
    """The shared PDF with overlay page layers[n] drawn over its page n, then extra[n] (QR modules).

    qpdf turns each overlay page into a form XObject with its own resources: nothing is parsed
    or renamed, and the shared bytes are copied as they are (~2 ms per leaflet).
    """
    with pikepdf.open(io.BytesIO(base)) as pdf:
        for number, layer in layers.items():
            page = pdf.pages[number]
            _add_overlay(page, overlay.pages[layer], pikepdf.Name(f"/DvcLayer{number}"), extra.get(number, b""))
        buffer = io.BytesIO()
        pdf.save(buffer, deterministic_id=True)
        return buffer.getvalue()


def _add_overlay(page: pikepdf.Page, layer: pikepdf.Page, name: pikepdf.Name, extra: bytes = b"") -> None:
    """page.add_overlay(layer), but under a name we choose: pikepdf names the form XObject at random,
    which made two builds of the same leaflet differ. WeasyPrint's pages share one resource
    dictionary, so the name carries the page number. `extra` operators are drawn last, in the
    page's own coordinates (points from the bottom left)."""
    form = layer.as_form_xobject()
    page.add_resource(form, pikepdf.Name.XObject, name, replace_existing=False)
    placement = page.calc_form_xobject_placement(
        form, name, pikepdf.Rectangle(page.trimbox), allow_shrink=True, allow_expand=True
    )
    page.contents_add(b"q\n", prepend=True)
    page.contents_add(b"Q\n", prepend=False)
    page.contents_add(placement + extra, prepend=False)
    page.contents_coalesce()


# --- Commune batches --------------------------------------------------------------------------


def _batch_html(documents: list[str]) -> tuple[str, list[int]]:
    """The commune layers as one HTML document, one after the other, and the numbers of the sheets
    kept: only sheets with a slot (the others are empty in a commune's layer). Page n of a commune's
    layers goes on page keep[n] of the shared layer."""
    first = documents[0]
    head, tail = first[: first.index(">", first.index("<body")) + 1], first[first.rindex("</body>") :]
    keep: list[int] | None = None
    bodies = []
    for html in documents:
        sheets = html[html.index(">", html.index("<body")) + 1 : html.rindex("</body>")].split(_SHEET)[1:]
        slotted = [number for number, sheet in enumerate(sheets) if 'class="slot ' in sheet]
        if keep is None:
            keep = slotted
        assert slotted == keep, "every commune's layer has its slots on the same sheets"
        bodies.extend(_SHEET + sheets[number] for number in keep)
    assert keep, "a commune leaflet template has slots"
    return head + "".join(bodies) + tail, keep


_SHEET = '<section class="sheet"'


def _qr_box(url: str) -> str:
    """The QR code's place in a commune's layer: an SVG of the code's size with only its white
    background; the modules are drawn into the stamped page (_qr_operators)."""
    size = qr.modules(url)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}">'
        f'<rect width="{size}" height="{size}" fill="#fff"/></svg>'
    )


def _qr_operators(pages, keep: list[int]) -> dict[int, bytes]:
    """PDF operators drawing the modules of every QR code on these laid-out layer pages into the
    empty box left for it, by shared page number: a filled rectangle per run of dark modules,
    the same shapes as the SVG's one-module-wide strokes."""
    operators = {}
    for number, page in zip(keep, pages, strict=True):
        height = page.height * PT_PER_PX
        drawn = []
        for box in _walk(page._page_box):
            element = getattr(box, "element", None)
            if element is None or box.element_tag != "div" or not element.get("data-qr"):
                continue
            svg = next(b for b in _walk(box) if (getattr(b, "element_tag", None) or "").endswith("svg"))
            rows = qr.matrix(element.get("data-qr"))
            module = svg.width * PT_PER_PX / len(rows)
            left = svg.content_box_x() * PT_PER_PX
            bottom = height - svg.content_box_y() * PT_PER_PX - len(rows) * module
            runs = " ".join(
                f"{x} {len(rows) - 1 - y} {width} 1 re" for y, row in enumerate(rows) for x, width in qr._runs(row)
            )
            drawn.append(f"q {module:.6f} 0 0 {module:.6f} {left:.4f} {bottom:.4f} cm 0 g {runs} f Q\n")
        if drawn:
            operators[number] = "".join(drawn).encode()
    return operators


# --- Layout checks on WeasyPrint's boxes ---------------------------------------------


def _walk(box):
    yield box
    for child in getattr(box, "children", ()):
        yield from _walk(child)


def _panels(page_box):
    for box in _walk(page_box):
        element = getattr(box, "element", None)
        if element is not None and element.get("data-panel") and box.element_tag == element.tag:
            yield element.get("data-panel"), box


def _overflowing_fields(panel, page_height: float) -> list[str]:
    """Fields whose boxes reach beyond the panel's content area, or under its pinned parts.

    Pinned (absolutely positioned) parts, such as a footer or a commune's slot, may use the
    panel's padding, but not the strip along the paper's edge that printers cannot reach.
    A part pinned to the bottom grows upwards: it must not reach above the panel either.
    """
    left, right = panel.content_box_x(), panel.content_box_x() + panel.width
    flow_top, flow_bottom = panel.content_box_y(), panel.content_box_y() + panel.height
    pinned_top = max(panel.position_y, SAFE_MARGIN_MM * PX_PER_MM)
    pinned_bottom = min(panel.position_y + panel.margin_height(), page_height - SAFE_MARGIN_MM * PX_PER_MM)
    seen: set[int] = set()  # the panel itself is positioned; only its descendants can be pinned
    fields = [field for child in panel.children for field in _fields(child, False, seen)]
    for box in _pinned_boxes(panel):  # text flowing from the top must stop above every pinned part
        flow_bottom = min(flow_bottom, box.position_y - 1 * PX_PER_MM)
    names: list[str] = []
    for box, name, pinned in fields:
        top, bottom = (pinned_top, pinned_bottom) if pinned else (flow_top, flow_bottom)
        beyond = box.position_y < top - 0.5 or box.position_y + box.margin_height() > bottom + 0.5
        beyond |= box.position_x < left - 0.5 or box.position_x + box.margin_width() > right + 0.5
        if beyond and name not in names:
            names.append(name)
    return names


def _pinned_boxes(panel):
    """The outermost absolutely positioned boxes inside a panel: slots, footers (not step numbers)."""
    for child in getattr(panel, "children", ()):
        if "::" in (getattr(child, "element_tag", None) or ""):
            continue
        if child.style["position"] == "absolute":
            yield child
        else:
            yield from _pinned_boxes(child)


def _cut_off_fields(page_box) -> list[tuple[str, str]]:
    """(panel, field) of each field of the page's sheets whose text is not all laid out.

    WeasyPrint silently drops what runs past the bottom of the last page and what an
    overflow: hidden box cannot show, so the text drawn is compared with the source text.
    """
    drawn: dict[int, list[str]] = {}

    def collect(box, fields: tuple) -> None:
        element = getattr(box, "element", None)
        tag = getattr(box, "element_tag", None) or ""
        if "::" in tag:  # generated content: step numbers, markers
            return
        is_field = element is not None and tag == element.tag and element.get("data-field")
        if is_field and not any(field is element for field in fields):
            fields = (*fields, element)
        if type(box).__name__ == "TextBox":
            for field in fields:
                drawn.setdefault(id(field), []).append(box.text)
        for child in getattr(box, "children", ()):
            collect(child, fields)

    collect(page_box, ())
    missing = []
    for sheet in _sheet_elements(page_box):
        for panel, field in _field_elements(sheet, ""):
            expected = _squeezed("".join(_visible_text(field)))
            if _squeezed("".join(drawn.get(id(field), []))) != expected:
                missing.append((panel, field.get("data-field")))
    return missing


def _sheet_elements(page_box):
    for box in _walk(page_box):
        element = getattr(box, "element", None)
        if element is not None and box.element_tag == element.tag and "sheet" in element.get("class", "").split():
            yield element


def _field_elements(element, panel: str):
    """(panel name, element) of every data-field element under element."""
    panel = element.get("data-panel") or panel
    if element.get("data-field"):
        yield panel, element
    for child in element:
        yield from _field_elements(child, panel)


def _visible_text(element):
    """The element's text as the reader sees it: not the titles inside SVG images."""
    if isinstance(element.tag, str) and element.tag.endswith("svg"):
        return
    if element.text:
        yield element.text
    for child in element:
        yield from _visible_text(child)
        if child.tail:
            yield child.tail


def _squeezed(text: str) -> str:
    """Without whitespace and case: line breaks and text-transform change only those."""
    return "".join(text.split()).casefold()


def _fields(box, pinned: bool = False, seen: set | None = None):
    """(box, field name, pinned) for the outermost box of each data-field element under box."""
    seen = set() if seen is None else seen
    pinned = pinned or box.style["position"] == "absolute"
    name = _field_of(box)
    if name and id(box.element) not in seen:
        seen.add(id(box.element))
        yield box, name, pinned
    for child in getattr(box, "children", ()):
        yield from _fields(child, pinned, seen)


def _field_of(box) -> str | None:
    element = getattr(box, "element", None)
    if element is None or box.element_tag != element.tag:
        return None
    return element.get("data-field")


def _walk_with_background(box, background):
    """Every box with the background colour it is drawn on (None: the white paper)."""
    colour = box.style["background_color"] if hasattr(box, "style") else None
    if colour is not None and colour.alpha > 0:
        background = colour
    yield box, background
    for child in getattr(box, "children", ()):
        yield from _walk_with_background(child, background)


def _gray_contrast_problems(box, background) -> list[str]:
    """Text must stay readable on a black-and-white photocopy: contrast of the gray values."""
    if type(box).__name__ != "TextBox" or not box.text.strip():
        return []
    foreground, back = _gray(box.style["color"]), _gray(background)
    ratio = (max(foreground, back) + 0.05) / (min(foreground, back) + 0.05)
    if ratio < MIN_GRAY_CONTRAST:
        return [f"text “{box.text.strip()[:30]}” has gray contrast {ratio:.1f} (minimum {MIN_GRAY_CONTRAST})"]
    return []


def _gray(colour) -> float:
    """Relative luminance of the gray a photocopier makes of a colour (Rec. 601 luma)."""
    if colour is None:
        return 1.0
    red, green, blue = colour.to("srgb").coordinates
    luma = 0.299 * red + 0.587 * green + 0.114 * blue
    return luma / 12.92 if luma <= 0.04045 else ((luma + 0.055) / 1.055) ** 2.4
