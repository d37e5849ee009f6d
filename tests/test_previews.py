"""Preview pictures of print files (generator/render/previews.py) and where the campaign kit page shows
them: real WeasyPrint PDFs of the demo content, drawn by PDFium, checked against poppler's drawing of
the same page, and the kit page's template rendered with a `previews` mapping."""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import struct
import subprocess
import sys
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pypdfium2
import pytest
from PIL import Image, ImageChops, ImageStat
from pypdf import PdfReader

from generator.build import DEFAULT_THEME, BuildOptions, check
from generator.cache import RenderCache
from generator.plan import (
    INFOGRAPHIC_FORMATS,
    KIT_PAGE,
    PAPER_MM,
    POSTER_FORMATS,
    PREVIEW_FORMATS,
    PREVIEW_SUFFIX,
    PREVIEW_WIDTH,
    PRINT_FILE_NAMES,
    QUIZ_PAPER,
    SitePlan,
    kit_previews,
    paper_preview_size,
    plan_build,
    preview_path,
)
from generator.render import previews
from generator.render.pages import render_page
from generator.render.previews import PreviewError, pdf_preview, preview_size
from generator.render.print import PrintRenderer
from generator.render.quiz import quiz_pdf
from generator.render.sanitize import clean_html
from tests.conftest import ROOT

KIT_PROVINCE = "vinh-long"  # has communes with their own leaflets and posters, and a quiz
# Formats rendered for the tests: the two that get previews, and the others whose page size PAPER_MM states.
RENDERED = ("a4-trifold", "poster-a4", "a5", "a6", "guide-a4", "poster-a3")
MAX_BYTES = 60_000


def boom(*args: object, **kwargs: object) -> None:
    raise AssertionError("called on a warm cache")


@pytest.fixture(scope="module")
def demo():
    site = check(BuildOptions(content=ROOT / "content", config=ROOT / "site_config.yml"))
    return site, plan_build(site)


@pytest.fixture(scope="module")
def pdfs(demo) -> dict[str, bytes]:
    """Real print files of one province, as the build makes them: one of each format in RENDERED (of its
    first guide, or its posters) and the quiz sheet, by format ("quiz" for the sheet)."""
    site, plan = demo
    province = plan.sites[1]
    printer = PrintRenderer(ROOT / "theme", site.config, site.assets)
    jobs = {fmt: next(j for j in province.prints if j.format == fmt and j.commune is None) for fmt in RENDERED}
    made = {fmt: printer.render(job).pdf for fmt, job in jobs.items()}
    assert province.kit is not None and province.kit.quiz is not None
    made[QUIZ_PAPER] = quiz_pdf(province.kit.quiz, printer)
    return made


@pytest.fixture(scope="module")
def pictures(pdfs) -> dict[str, bytes]:
    return {fmt: pdf_preview(pdf) for fmt, pdf in pdfs.items() if fmt in (*PREVIEW_FORMATS, QUIZ_PAPER)}


def png_chunks(data: bytes) -> list[str]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, at = [], 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        chunks.append(data[at + 4 : at + 8].decode("ascii"))
        at += 12 + length
    return chunks


def poppler_page(pdf: bytes, page: int, size: tuple[int, int], folder: Path) -> Image.Image:
    """A page of the PDF drawn by poppler (another renderer than PDFium) at the given pixel size, grayscale."""
    folder.mkdir(exist_ok=True)
    source = folder / "file.pdf"
    source.write_bytes(pdf)
    prefix = folder / f"page{page}"
    width, height = (str(n) for n in size)
    command = ["pdftoppm", "-f", str(page), "-l", str(page), "-scale-to-x", width, "-scale-to-y", height, "-gray"]
    subprocess.run([*command, str(source), str(prefix)], check=True, capture_output=True)
    (drawn,) = folder.glob(f"page{page}-*.pgm")
    with Image.open(drawn) as image:
        return image.copy()


def difference(a: Image.Image, b: Image.Image) -> float:
    """Mean gray difference of two drawings, compared at 1/8 size: what is where, not how text is smoothed."""
    size = (a.width // 8, a.height // 8)
    a, b = (image.convert("L").resize(size, Image.Resampling.BOX) for image in (a, b))
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0]


# --- the file ----------------------------------------------------------------------------------------


def test_a_preview_lies_beside_its_pdf():
    assert PREVIEW_SUFFIX == ".xem-truoc.png"
    assert preview_path("vinh-long/in/dang-ky-thuong-tru/to-roi-a4-gap-ba.pdf") == (
        "vinh-long/in/dang-ky-thuong-tru/to-roi-a4-gap-ba.xem-truoc.png"
    )
    assert (
        preview_path("vinh-long/truyen-thong/trac-nghiem-a4.pdf")
        == "vinh-long/truyen-thong/trac-nghiem-a4.xem-truoc.png"
    )
    with pytest.raises(ValueError, match=r"not a \.pdf"):
        preview_path("vinh-long/in/dang-ky-thuong-tru/ma-qr.png")


@pytest.mark.slow  # renders PDFs
@pytest.mark.parametrize("fmt", [*PREVIEW_FORMATS, QUIZ_PAPER])
def test_a_preview_is_480_pixels_wide_in_the_shape_of_the_first_page(pdfs, pictures, fmt):
    box = PdfReader(io.BytesIO(pdfs[fmt])).pages[0].mediabox  # read by pypdf, not PDFium
    expected = (PREVIEW_WIDTH, round(PREVIEW_WIDTH * float(box.height) / float(box.width)))
    with Image.open(io.BytesIO(pictures[fmt])) as image:
        assert image.format == "PNG"
        assert image.size == expected == preview_size(pdfs[fmt]) == paper_preview_size(PAPER_MM[fmt])
    if fmt == "a4-trifold":  # A4 landscape: 480 x 339
        assert expected == (480, 339)
    else:  # A4 portrait: 480 x 679
        assert expected == (480, 679)


@pytest.mark.slow  # renders PDFs
@pytest.mark.parametrize("fmt", RENDERED)
def test_the_paper_table_gives_the_size_a_preview_of_each_format_has(pdfs, fmt):
    """The kit page is written before the PDFs exist: its picture sizes come from PAPER_MM."""
    assert set(PRINT_FILE_NAMES) <= set(PAPER_MM)
    assert preview_size(pdfs[fmt]) == paper_preview_size(PAPER_MM[fmt])
    assert preview_size(pdfs[fmt], 240) == paper_preview_size(PAPER_MM[fmt], 240)


@pytest.mark.slow  # renders PDFs
@pytest.mark.parametrize("fmt", [*PREVIEW_FORMATS, QUIZ_PAPER])
def test_a_preview_shows_the_first_page_as_another_renderer_draws_it(pdfs, pictures, fmt, tmp_path):
    with Image.open(io.BytesIO(pictures[fmt])) as image:
        preview = image.convert("RGB")
    gray = preview.convert("L")
    assert ImageStat.Stat(gray).stddev[0] > 30, "a blank or washed-out picture"
    dark = sum(gray.histogram()[:128]) / (gray.width * gray.height)
    assert 0.02 < dark < 0.5, f"{dark:.0%} dark pixels"
    assert len(preview.getcolors(maxcolors=256) or []) > 8  # text, its smoothed edges, the brand colour
    assert difference(preview, poppler_page(pdfs[fmt], 1, preview.size, tmp_path)) < 6
    # ... and the comparison tells pages apart: another page of the same shape is a different picture.
    other, page = {"a4-trifold": ("a4-trifold", 2), "poster-a4": (QUIZ_PAPER, 1), QUIZ_PAPER: ("poster-a4", 1)}[fmt]
    assert difference(preview, poppler_page(pdfs[other], page, preview.size, tmp_path / "other")) > 10


@pytest.mark.slow  # renders PDFs
@pytest.mark.parametrize("fmt", [*PREVIEW_FORMATS, QUIZ_PAPER])
def test_a_preview_is_a_small_palette_png_without_metadata(pictures, fmt):
    data = pictures[fmt]
    assert len(data) < MAX_BYTES, f"{len(data)} bytes"
    assert set(png_chunks(data)) == {"IHDR", "PLTE", "IDAT", "IEND"}  # no time, text or colour profile
    with Image.open(io.BytesIO(data)) as image:
        assert image.mode == "P"
        assert len(image.getcolors()) <= previews.PREVIEW_COLOURS


@pytest.mark.slow  # renders PDFs
def test_the_same_pdf_gives_the_same_bytes_again_and_in_another_process(pdfs, pictures, tmp_path):
    pdf = pdfs["a4-trifold"]
    assert pdf_preview(pdf) == pictures["a4-trifold"]
    source = tmp_path / "leaflet.pdf"
    source.write_bytes(pdf)
    script = (
        "import hashlib, sys; from pathlib import Path; from generator.render.previews import pdf_preview; "
        "print(hashlib.sha256(pdf_preview(Path(sys.argv[1]).read_bytes())).hexdigest())"
    )
    other = subprocess.run(
        [sys.executable, "-c", script, str(source)], cwd=ROOT, check=True, capture_output=True, text=True
    )
    assert other.stdout.strip() == hashlib.sha256(pictures["a4-trifold"]).hexdigest()


@pytest.mark.slow  # renders PDFs
def test_a_smaller_width_keeps_the_shape(pdfs):
    with Image.open(io.BytesIO(pdf_preview(pdfs["a4-trifold"], 240))) as image:
        assert image.size == (240, 170) == preview_size(pdfs["a4-trifold"], 240)


@pytest.mark.slow  # renders PDFs
def test_a_cached_preview_is_served_without_rendering(pdfs, pictures, tmp_path, monkeypatch):
    cache = RenderCache(tmp_path / "cache")
    pdf = pdfs["poster-a4"]
    assert pdf_preview(pdf, cache=cache) == pictures["poster-a4"]
    assert (cache.hits, cache.misses) == (0, 1)
    (stored,) = (tmp_path / "cache" / "preview").rglob("*.png")
    assert stored.read_bytes() == pictures["poster-a4"]

    monkeypatch.setattr(pypdfium2, "PdfDocument", boom)  # opening the PDF would fail from here on
    monkeypatch.setattr(previews, "_render", boom)
    assert pdf_preview(pdf, cache=cache) == pictures["poster-a4"]
    assert (cache.hits, cache.misses) == (1, 1)
    # Another width, or another PDF, is another picture: not found, so it would be rendered.
    with pytest.raises(AssertionError, match="warm cache"):
        pdf_preview(pdf, 240, cache=cache)
    with pytest.raises(AssertionError, match="warm cache"):
        pdf_preview(pdfs["a4-trifold"], cache=cache)
    assert (cache.hits, cache.misses) == (1, 3)


def test_bytes_pdfium_cannot_read_are_a_preview_error():
    with pytest.raises(PreviewError, match="not a readable PDF"):
        pdf_preview(b"%PDF-1.7\nnot really a PDF")
    with pytest.raises(PreviewError, match="not a readable PDF"):
        preview_size(b"")


# --- which files have one -------------------------------------------------------------------------


def kit_site(plan) -> SitePlan:
    return next(s for s in plan.sites if s.prefix == KIT_PROVINCE)


def test_planned_previews_are_the_trifolds_the_a4_posters_and_the_quiz_sheet(demo):
    _, plan = demo
    site_plan = kit_site(plan)
    assert site_plan.kit is not None and site_plan.kit.quiz is not None
    planned = site_plan.kit.previews
    jobs = [j for j in site_plan.prints if j.format in PREVIEW_FORMATS]
    assert set(planned) == {j.path for j in jobs} | {site_plan.kit.quiz.path}
    rows = next(p for p in site_plan.pages if p.path == KIT_PAGE).context["rows"]
    province_leaflets = [j for j in jobs if j.commune is None and j.format == "a4-trifold"]
    assert [j.items[0].guide.slug for j in province_leaflets] == [guide.slug for guide, _, _ in rows]  # one a guide
    assert any(j.commune is not None for j in jobs) and any(j.format == "poster-a4" for j in jobs)
    for job in jobs:
        assert planned[job.path] == (preview_path(job.path), *paper_preview_size(PAPER_MM[job.format]))
    quiz = site_plan.kit.quiz.path
    assert planned[quiz] == (preview_path(quiz), 480, 679)
    assert kit_previews([], site_plan.kit.quiz) == {quiz: planned[quiz]}
    assert kit_previews(site_plan.prints, None) == {k: v for k, v in planned.items() if k != quiz}
    assert next(p for p in site_plan.pages if p.path == KIT_PAGE).context["previews"] is planned


# --- on the kit page ------------------------------------------------------------------------------


class _Tags(HTMLParser):
    """Every <img> and <a download> of a page body, with the print card (or paragraph pair) each is in."""

    def __init__(self):
        super().__init__()
        self.card = 0
        self.depth = 0  # inside a card: <figure class="dvc-kit-pdf"> nesting
        self.images: list[tuple[int, dict]] = []
        self.links: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if tag == "figure" and "dvc-kit-pdf" in (found.get("class") or ""):
            self.card += 1
            self.depth += 1
        elif tag == "p" and not self.depth and "dvc-kit-previews" in (found.get("class") or ""):
            self.card += 1  # the quiz sheet: its preview, then the paragraph with its link
        elif tag == "img":
            self.images.append((self.card, found))
        elif tag == "a" and "download" in found:
            self.links.append((self.card, found["href"]))

    def handle_endtag(self, tag):
        if tag == "figure" and self.depth:
            self.depth -= 1


def kit_body(site_plan: SitePlan, shown: dict | None) -> tuple[str, _Tags]:
    """The kit page's body as the site gets it (Markdown to HTML, then the sanitiser), and its tags."""
    page = next(p for p in site_plan.pages if p.path == KIT_PAGE)
    context = {key: value for key, value in page.context.items() if key != "previews"}  # None: no variable
    page = replace(page, context=context if shown is None else {**context, "previews": shown})
    source = render_page(page, DEFAULT_THEME / "pages")
    body = source.split("---\n", 2)[2]  # after the front matter
    html = clean_html(markdown.markdown(body, extensions=["attr_list", "md_in_html", "tables", "admonition"]))
    tags = _Tags()
    tags.feed(html)
    return html, tags


def in_output(href: str) -> str:
    """A relative address on the kit page (vinh-long/truyen-thong/) as a path from the output root."""
    return posixpath.normpath(posixpath.join(f"{KIT_PROVINCE}/truyen-thong", href))


@pytest.mark.parametrize("choice", ["planned", "every leaflet format"])
def test_the_kit_page_shows_each_preview_beside_the_download_link_of_its_pdf(demo, choice):
    _, plan = demo
    site_plan = kit_site(plan)
    shown = site_plan.kit.previews
    if choice != "planned":  # the page shows whatever the build previews, e.g. every leaflet format too
        for job in site_plan.prints:
            if job.format in ("a5", "a6", "guide-a4", "poster-a3"):
                shown[job.path] = (preview_path(job.path), *paper_preview_size(PAPER_MM[job.format]))
    html, tags = kit_body(site_plan, shown)
    labels = {job.path: job.label for job in site_plan.prints}
    assert site_plan.kit is not None and site_plan.kit.quiz is not None
    labels[site_plan.kit.quiz.path] = "Phiếu trắc nghiệm A4"

    previews_on_page = [(card, img) for card, img in tags.images if img["src"].endswith(PREVIEW_SUFFIX)]
    by_png = {in_output(img["src"]): (card, img) for card, img in previews_on_page}
    assert len(by_png) == len(previews_on_page) == len(shown)  # each once
    for pdf, (png, width, height) in shown.items():
        card, img = by_png[png]
        assert (img["width"], img["height"]) == (str(width), str(height)), pdf
        assert img["loading"] == "lazy", pdf
        assert img["alt"].startswith(f"Xem trước: {labels[pdf]}"), (pdf, img["alt"])
        # beside its download link: in the same card
        assert pdf in {in_output(href) for c, href in tags.links if c == card}, pdf
    # Every print file of the province still has its download link, previewed or not.
    linked = {in_output(href) for _, href in tags.links}
    assert {job.path for job in site_plan.prints} | {site_plan.kit.quiz.path} <= linked
    assert re.search(r"<img [^>]*xem-truoc", html)


def test_alternative_texts_name_the_guide_and_the_commune(demo):
    _, plan = demo
    site_plan = kit_site(plan)
    _, tags = kit_body(site_plan, site_plan.kit.previews)
    alts = {in_output(img["src"]): img["alt"] for _, img in tags.images if img["src"].endswith(PREVIEW_SUFFIX)}
    for job in site_plan.prints:
        if job.format not in PREVIEW_FORMATS:
            continue
        alt = alts[preview_path(job.path)]
        if job.format not in POSTER_FORMATS:
            assert job.items[0].guide.title in alt, alt
        if job.commune is not None:
            assert job.commune.name in alt, alt
    assert len(set(alts.values())) == len(alts)  # no two pictures described alike


def test_without_previews_the_kit_page_shows_no_preview_and_keeps_every_link(demo):
    _, plan = demo
    site_plan = kit_site(plan)
    for shown in (None, {}):
        html, tags = kit_body(site_plan, shown)
        assert PREVIEW_SUFFIX not in html
        linked = {in_output(href) for _, href in tags.links}
        assert {job.path for job in site_plan.prints} <= linked


def test_the_kit_page_sizes_pictures_for_a_small_screen():
    """Previews are 480 px files shown at most 240 CSS px wide, and never wider than their column."""
    css = (DEFAULT_THEME / "overrides" / "assets" / "stylesheets" / "dvc.css").read_text("utf-8")
    rule = re.search(r"\.md-typeset \.dvc-kit-previews img \{([^}]*)\}", css)
    assert rule is not None
    declarations = {k.strip(): v.strip() for k, v in (d.split(":", 1) for d in rule.group(1).split(";") if ":" in d)}
    assert declarations["width"] == f"{PREVIEW_WIDTH // 2}px"
    assert declarations["max-width"] == "100%" and declarations["height"] == "auto"


def test_the_page_names_formats_as_the_plan_does():
    """The template tells posters and step pictures from leaflets by their format names."""
    template = (DEFAULT_THEME / "pages" / "kit.md.j2").read_text("utf-8")
    named = {tuple(re.findall(r'"([a-z0-9-]+)"', group)) for group in re.findall(r'"in", \[([^]]*)\]', template)}
    assert named == {POSTER_FORMATS, INFOGRAPHIC_FORMATS}
