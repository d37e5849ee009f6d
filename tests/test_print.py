"""End-to-end print outputs: the demo is built once, and its PDFs, QR images and short links are read back
with real tools (poppler, two QR decoders, pypdf) and checked against the content and the registry."""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import re
import shutil
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from PIL import Image
from pypdf import PdfReader

from generator.build import BuildOptions, BuildReport, build, check
from generator.models import Commune, Guide, Province
from generator.plan import (
    CHECK_PAGE,
    GUIDES_DIR,
    IMAGE_DIR,
    INFOGRAPHIC_FORMATS,
    LEAFLET_FORMATS,
    POSTER_FORMATS,
    PRINT_DIR,
    PRINT_FILE_NAMES,
    PRINT_PAGE,
    RESULTS_DIR,
    SHORT_LINK_DIR,
    GuideInProvince,
)
from generator.validate import Site
from tests.conftest import ROOT
from tests.html_tools import read_page, resolve
from tests.pdf_tools import (
    MM,
    SVG_MODULE_PX,
    collapse,
    compact,
    dark_box,
    decode_page,
    decode_zbar,
    decode_zxing,
    pdf_fonts,
    pdf_text,
    rasterise,
    read_html,
    refresh_target,
    svg_rasters,
)

pytestmark = pytest.mark.slow

FORMAT_OF_FILE = {name: fmt for fmt, name in PRINT_FILE_NAMES.items()}
# Paper (width, height) in mm and page count of each format, as designed in theme/print/print.css (@page, .sheet)
# and generator/render/print.py (FORMATS). None: as many pages as the guide needs.
PAPER = {
    "a4-trifold": ((297, 210), 2),
    "a5": ((148, 210), 2),
    "a6": ((105, 148), 2),
    "guide-a4": ((210, 297), None),
    "poster-a4": ((210, 297), 1),
    "poster-a3": ((297, 420), 1),
    "infographic-a4": ((210, 297), 1),
    "infographic-a3": ((297, 420), 1),
}
WITH_DOCUMENTS = {"a4-trifold", "a5"}  # leaflet templates that list the documents to bring (parts.documents())
WITH_ADDRESS = {"a4-trifold", "a5"}  # leaflet templates whose help part prints the centre's address
WORKERS = os.cpu_count() or 2


# --- The build -------------------------------------------------------------------------


@dataclass(frozen=True)
class PrintFile:
    """A print file as its path describes it: <province>/in/[<commune>/][<guide>/]<file name>."""

    path: str
    format: str
    province: str
    commune: str | None
    guide: str | None  # None for posters


@dataclass
class Demo:
    out: Path
    report: BuildReport
    site: Site
    manifest: dict[str, Any]
    files: dict[str, dict[str, Any]]  # manifest entries by path
    registry: list[dict[str, Any]]  # content/short-links.yml as written, entries in order
    base: str  # base_url from site_config.yml, without a trailing slash

    @property
    def prints(self) -> list[PrintFile]:
        # Leaflets, posters, full guides and step pictures; the results reports (ket-qua/) are tested in
        # tests/test_results_charts.py.
        return [describe(e["path"]) for e in self.files.values() if e["kind"] == "print" and not is_results(e["path"])]

    @property
    def results_pdfs(self) -> int:
        return sum(e["kind"] == "print" and is_results(e["path"]) for e in self.files.values())

    def province(self, slug: str) -> Province:
        return next(p for p in self.site.provinces if p.slug == slug)

    def guide(self, slug: str) -> Guide:
        return next(g for g in self.site.guides if g.slug == slug)

    def commune(self, province: str, slug: str) -> Commune:
        return next(c for c in self.province(province).communes if c.slug == slug)

    def code(self, guide: str, province: str, commune: str | None = None) -> str:
        """The registered code of (guide, province, commune), read from the registry file itself."""
        found = [
            e["code"]
            for e in self.registry
            if (e["guide"], e["province"], e.get("commune")) == (guide, province, commune)
        ]
        assert len(found) == 1, f"registry entries for {(guide, province, commune)}: {found}"
        return found[0]

    def url(self, code: str) -> str:
        """What a QR code encodes: the short link's folder, served without a redirect."""
        return f"{self.base}/{SHORT_LINK_DIR}/{code}/"

    def display(self, code: str) -> str:
        """A short link as printed under its QR code, for people to type."""
        return self.url(code).removeprefix("https://").removesuffix("/")


def is_results(path: str) -> bool:
    return path.split("/")[1] == RESULTS_DIR


def describe(path: str) -> PrintFile:
    province, folder, *middle, name = path.split("/")
    fmt = FORMAT_OF_FILE[name]
    if fmt in INFOGRAPHIC_FORMATS:  # the step infographic for print sits with the pictures of its guide
        assert folder == IMAGE_DIR and len(middle) == 1, path
        return PrintFile(path, fmt, province, None, middle[0])
    assert folder == PRINT_DIR, path
    if fmt in POSTER_FORMATS:
        assert len(middle) <= 1, path
        return PrintFile(path, fmt, province, middle[0] if middle else None, None)
    assert 1 <= len(middle) <= 2, path
    return PrintFile(path, fmt, province, middle[0] if len(middle) == 2 else None, middle[-1])


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Demo:
    """The project's demo content, copied and built once, in-process, without the render cache."""
    root = tmp_path_factory.mktemp("print-demo")
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copy(ROOT / "site_config.yml", root / "site_config.yml")
    options = BuildOptions(
        content=root / "content", config=root / "site_config.yml", out=root / "site", use_cache=False, skip_kit=True
    )
    report = build(options, progress=lambda message: None)
    manifest = json.loads((options.out / "manifest.json").read_text("utf-8"))
    registry = yaml.safe_load((options.content / "short-links.yml").read_text("utf-8"))["links"]
    base = yaml.safe_load((root / "site_config.yml").read_text("utf-8"))["base_url"].rstrip("/")
    files = {entry["path"]: entry for entry in manifest["files"]}
    return Demo(options.out, report, check(options), manifest, files, registry, base)


def parallel(function: Callable, items: Iterable) -> list:
    with ThreadPoolExecutor(WORKERS) as pool:
        return list(pool.map(function, items))


@pytest.fixture(scope="module")
def texts(demo) -> dict[str, str]:
    """pdftotext of every print file, whitespace as it came out."""
    paths = [f.path for f in demo.prints]
    return dict(zip(paths, parallel(lambda p: pdf_text(demo.out / p), paths), strict=True))


def guide_in(demo: Demo, guide: str, province: str) -> GuideInProvince:
    """The guide as a citizen of the province reads it (the province's overrides applied)."""
    return GuideInProvince.of(demo.guide(guide), demo.province(province))


def current(demo: Demo, entry: dict[str, Any]) -> tuple[str, str]:
    """Where a registry entry's guide and province are today, following former slugs and merged provinces."""
    guides = {g.slug: g.slug for g in demo.site.guides} | {
        old: g.slug for g in demo.site.guides for old in g.former_slugs
    }
    provinces = {p.slug: p.slug for p in demo.site.provinces} | {
        f.slug: p.slug for p in demo.site.provinces for f in p.former
    }
    return guides[entry["guide"]], provinces[entry["province"]]


# --- 1. QR codes in the PDFs --------------------------------------------------------------


def test_every_qr_code_in_every_pdf_decodes_to_exactly_the_manifest_urls(demo, tmp_path):
    prints = demo.prints
    assert len(prints) == demo.report.pdfs - demo.results_pdfs > 0

    def pages_of(number_file: tuple[int, PrintFile]) -> list[Path]:
        number, file = number_file
        return rasterise(demo.out / file.path, tmp_path / f"p{number:03d}", dpi=150)

    rasters = parallel(pages_of, enumerate(prints))
    decoded = parallel(decode_page, [page for pages in rasters for page in pages])
    problems = []
    at = 0
    for file, pages in zip(prints, rasters, strict=True):
        expected = demo.files[file.path].get("qr", [])
        found, at = decoded[at : at + len(pages)], at + len(pages)
        assert pages and expected, file.path
        assert len(set(expected)) == len(expected), file.path
        zxing = [text for page in found for text in page.zxing]
        zbar = [text for page in found for text in page.zbar]
        # As many symbols as the manifest lists (one per QR code printed), and exactly those URLs.
        if sorted(zxing) != sorted(expected):
            problems.append(f"{file.path}: zxing-cpp read {sorted(zxing)}, manifest {sorted(expected)}")
        if sorted(zbar) != sorted(expected):
            problems.append(f"{file.path}: zbar read {sorted(zbar)}, manifest {sorted(expected)}")
    assert at == len(decoded)
    assert problems == []


# --- 2. Short links -----------------------------------------------------------------------


def test_every_printed_short_link_leads_to_its_registered_guide(demo):
    registry = {entry["code"]: entry for entry in demo.registry}
    urls = sorted({url for entry in demo.files.values() for url in entry.get("qr", [])})
    assert urls
    for url in urls:
        prefix = f"{demo.base}/{SHORT_LINK_DIR}/"
        assert url.startswith(prefix), url
        assert url.endswith("/"), url
        code = url.removeprefix(prefix).removesuffix("/")
        assert re.fullmatch(r"[0-9a-z]{4,8}", code), url
        assert code in registry, f"{url}: code not in content/short-links.yml"
        guide, province = current(demo, registry[code])

        # The address as a static server resolves it: the folder q/<code>/, served as its index.html.
        page, _ = resolve(demo.out, demo.out / "index.html", urlsplit(url).path)
        assert page == demo.out / SHORT_LINK_DIR / code / "index.html"
        assert page.is_file(), url
        info = read_html(page)
        assert info.robots is not None and "noindex" in info.robots.split(","), url
        target = refresh_target(info.refresh or "")
        assert target in info.links, f"{url}: no visible link to {target}"
        guide_page = demo.out / province / GUIDES_DIR / guide / "index.html"
        assert resolve(demo.out, page, target) == (guide_page, ""), url
        assert guide_page.is_file(), url
        assert info.canonical == f"{demo.base}/{province}/{GUIDES_DIR}/{guide}/", url
        title = demo.guide(guide).title
        assert read_html(guide_page).h1 == title, url
        assert info.title.startswith(f"{title} – "), url


def test_each_print_file_carries_the_code_registered_for_its_guide_province_and_commune(demo):
    checked = 0
    for file in demo.prints:
        urls = demo.files[file.path]["qr"]
        assert demo.files[file.path]["province"] == file.province
        if file.guide is not None:
            assert urls == [demo.url(demo.code(file.guide, file.province, file.commune))], file.path
        else:  # a poster: each of its codes is one of this province's (or commune's), for different guides
            registry = {e["code"]: e for e in demo.registry}
            entries = [registry[url.rstrip("/").rsplit("/", 1)[1]] for url in urls]
            assert {(e["province"], e.get("commune")) for e in entries} == {(file.province, file.commune)}
            assert len({e["guide"] for e in entries}) == len(entries), file.path
        checked += 1
    assert checked == demo.report.pdfs - demo.results_pdfs


def test_every_registered_code_has_its_short_link_page_and_nothing_else_is_under_q(demo):
    built = {p.slug for p in demo.site.provinces}
    expected = {e["code"] for e in demo.registry if current(demo, e)[1] in built}
    assert expected
    pages = {p.parent.name for p in (demo.out / SHORT_LINK_DIR).glob("*/index.html")}
    assert pages == expected
    assert {p.name for p in (demo.out / SHORT_LINK_DIR).iterdir()} == expected


# --- 3. QR images -------------------------------------------------------------------------


def test_every_guide_page_has_a_300_dpi_png_and_a_quiet_zoned_small_svg_qr_image(demo, tmp_path):
    svgs = []
    for province in demo.site.provinces:
        for guide in demo.site.guides_for(province):
            url = demo.url(demo.code(guide.slug, province.slug))
            stem = f"{province.slug}/{PRINT_DIR}/{guide.slug}/ma-qr"
            png, svg = demo.files.get(f"{stem}.png"), demo.files.get(f"{stem}.svg")
            assert png is not None and png["kind"] == "qr-png" and png["qr"] == [url], stem
            assert svg is not None and svg["kind"] == "qr-svg" and svg["qr"] == [url], stem

            with Image.open(demo.out / png["path"]) as image:
                dpi = image.info.get("dpi")
                assert dpi is not None and dpi == pytest.approx((300, 300), abs=0.5), stem
                image.load()
                assert decode_zxing(image) == [url], stem
                assert decode_zbar(image) == [url], stem

            root = ET.fromstring((demo.out / svg["path"]).read_bytes())
            assert root.tag == "{http://www.w3.org/2000/svg}svg", stem
            x, y, width, height = (float(v) for v in root.attrib["viewBox"].split())
            assert (x, y) == (0, 0) and width == height == int(width), f"{stem}: viewBox {root.attrib['viewBox']}"
            svgs.append((stem, url, demo.out / svg["path"], int(width)))
    assert len(svgs) == sum(e["kind"] == "qr-svg" for e in demo.files.values()) > 0

    # Drawn as a renderer draws them, at SVG_MODULE_PX pixels per unit of the viewBox.
    images = svg_rasters([(path, size) for _, _, path, size in svgs], tmp_path)
    for (stem, url, _, size), image in zip(svgs, images, strict=True):
        side = size * SVG_MODULE_PX  # pdftoppm may round the page up by a pixel
        assert abs(image.size[0] - side) <= 1 and abs(image.size[1] - side) <= 1, f"{stem}: {image.size}"
        image = image.crop((0, 0, side, side))
        box = dark_box(image)
        assert box is not None, stem
        # Finder patterns reach the symbol's edges on all four sides: the dark area is the symbol itself.
        left, top, right, bottom = (edge / SVG_MODULE_PX for edge in box)
        assert (left, top) == (4, 4), f"{stem}: quiet zone {left}, {top} modules (left, top)"
        assert (size - right, size - bottom) == (4, 4), f"{stem}: quiet zone {size - right}, {size - bottom}"
        modules = size - 8
        assert (modules - 17) % 4 == 0, f"{stem}: {modules} modules is no QR version"
        assert 1 <= (modules - 17) // 4 <= 4 and modules <= 33, f"{stem}: {modules} modules"
        assert decode_zxing(image) == [url], stem
        assert decode_zbar(image) == [url], stem


# --- 4. Fonts -----------------------------------------------------------------------------


def test_print_fonts_are_embedded_subsets_of_be_vietnam_pro_and_the_symbol_fallback(demo):
    prints = demo.prints
    problems = []
    for file, fonts in zip(prints, parallel(lambda f: pdf_fonts(demo.out / f.path), prints), strict=True):
        if not fonts:
            problems.append(f"{file.path}: no fonts")
        names = []
        for font in fonts:
            if not (font.embedded and font.subset):
                problems.append(f"{file.path}: {font.name} embedded={font.embedded} subset={font.subset}")
            match = re.fullmatch(r"[A-Z]{6}\+(.+)", font.name)
            if not match:
                problems.append(f"{file.path}: {font.name} has no subset tag")
                continue
            names.append(match.group(1))
            if not match.group(1).startswith(("Be-Vietnam-Pro", "DejaVu-Sans")):
                problems.append(f"{file.path}: {font.name} is not a bundled print font")
        if "Be-Vietnam-Pro" not in names:
            problems.append(f"{file.path}: Be Vietnam Pro (regular) missing: {names}")
    assert problems == []


# --- 5. Text ------------------------------------------------------------------------------


def test_leaflets_print_title_documents_steps_short_url_and_official_domain_in_nfc(demo, texts):
    checked = documents = 0
    for file in demo.prints:
        if file.format not in LEAFLET_FORMATS:
            continue
        raw = texts[file.path]
        assert unicodedata.is_normalized("NFC", raw), file.path
        text = collapse(raw)
        guide = guide_in(demo, file.guide, file.province)
        province = demo.province(file.province)
        code = demo.code(file.guide, file.province, file.commune)
        assert collapse(guide.title) in text, file.path
        for step in guide.steps:
            assert collapse(step.title) in text, f"{file.path}: step {step.title!r}"
        if file.format in WITH_DOCUMENTS:
            for document in guide.documents:
                assert collapse(document.name) in text, f"{file.path}: document {document.name!r}"
                documents += 1
            if not guide.documents:  # what parts.documents() prints instead
                assert "Không cần giấy tờ giấy" in text, file.path
        assert demo.display(code) in text, file.path
        assert f"Mã: {code}" in text, file.path
        official = urlsplit(str(province.portals[0].url)).hostname
        assert official and official in text, f"{file.path}: official domain {official}"
        checked += 1
    assert checked == sum(f.format in LEAFLET_FORMATS for f in demo.prints) > 0
    assert documents > 0


def test_province_leaflets_give_the_province_centre(demo, texts):
    checked = 0
    for file in demo.prints:
        if file.format not in LEAFLET_FORMATS or file.commune is not None:
            continue
        text = collapse(texts[file.path])
        centre = demo.province(file.province).service_centre
        assert collapse(centre.name) in text, file.path
        if file.format in WITH_ADDRESS:
            assert collapse(centre.address) in text, file.path
        checked += 1
    assert checked > 0


def test_full_guide_prints_every_step_in_order(demo, texts):
    checked = 0
    for file in demo.prints:
        if file.format != "guide-a4":
            continue
        raw = texts[file.path]
        assert unicodedata.is_normalized("NFC", raw), file.path
        text = collapse(raw)
        guide = guide_in(demo, file.guide, file.province)
        assert collapse(guide.title) in text, file.path
        assert demo.display(demo.code(file.guide, file.province)) in text, file.path
        at = 0
        for number, step in enumerate(guide.steps, start=1):
            heading = collapse(f"Bước {number}. {step.title}")
            found = text.find(heading, at)
            assert found >= 0, f"{file.path}: {heading!r} missing or out of order"
            at = found + len(heading)
        checked += 1
    assert checked == sum(len(demo.site.guides_for(p)) for p in demo.site.provinces)


def test_posters_print_the_title_and_short_url_of_each_guide_they_carry(demo, texts):
    registry = {e["code"]: e for e in demo.registry}
    checked = 0
    for file in demo.prints:
        if file.format not in POSTER_FORMATS:
            continue
        raw = texts[file.path]
        assert unicodedata.is_normalized("NFC", raw), file.path
        text = collapse(raw)
        for url in demo.files[file.path]["qr"]:
            code = url.rstrip("/").rsplit("/", 1)[1]
            guide, _ = current(demo, registry[code])
            assert collapse(demo.guide(guide).title) in text, f"{file.path}: {guide}"
            assert demo.display(code) in text, f"{file.path}: {code}"
        checked += 1
    assert checked > 0


# --- 6. Paper -----------------------------------------------------------------------------


def test_page_sizes_and_counts_match_each_format(demo):
    problems = []
    for file in demo.prints:
        (width_mm, height_mm), count = PAPER[file.format]
        pages = PdfReader(demo.out / file.path).pages
        if count is not None and len(pages) != count:
            problems.append(f"{file.path}: {len(pages)} pages, designed {count}")
        if len(pages) == 0:
            problems.append(f"{file.path}: no pages")
        for number, page in enumerate(pages, start=1):
            box = page.mediabox
            size = (float(box.width), float(box.height))
            if page.rotation % 360 != 0:
                problems.append(f"{file.path} page {number}: rotated {page.rotation}")
            if abs(size[0] - width_mm * MM) > 1 or abs(size[1] - height_mm * MM) > 1:
                problems.append(
                    f"{file.path} page {number}: {size[0]:.1f}×{size[1]:.1f} pt, "
                    f"designed {width_mm}×{height_mm} mm = {width_mm * MM:.1f}×{height_mm * MM:.1f} pt"
                )
    assert problems == []


# --- 7. Site integration ------------------------------------------------------------------


def linked_files(out: Path, page: Path) -> set[str]:
    """Output-relative paths of the files a page's links lead to (external links left out)."""
    found = set()
    for href in read_page(page).links:
        target = resolve(out, page, href)
        if target is not None:
            found.add(posixpath.normpath(target[0].relative_to(out).as_posix()))
    return found


def test_print_materials_page_of_each_province_links_every_print_file_and_qr_image(demo):
    for province in demo.site.provinces:
        page = demo.out / province.slug / PRINT_PAGE.removesuffix(".md") / "index.html"
        assert page.is_file(), page
        expected = {
            path
            for path, entry in demo.files.items()
            if entry["province"] == province.slug
            and entry["kind"] in ("print", "qr-png", "qr-svg")
            and not is_results(path)
        }
        assert any(path.endswith(".pdf") for path in expected), province.slug
        linked = linked_files(demo.out, page)
        assert expected - linked == set(), province.slug
        printed = {p for p in linked if p.startswith(f"{province.slug}/{PRINT_DIR}/")}
        assert all((demo.out / p).is_file() for p in printed), province.slug


def test_each_guide_page_links_its_leaflets_full_guide_and_qr_images(demo):
    for province in demo.site.provinces:
        for guide in demo.site.guides_for(province):
            page = demo.out / province.slug / GUIDES_DIR / guide.slug / "index.html"
            folder = f"{province.slug}/{PRINT_DIR}/{guide.slug}"
            expected = {f"{folder}/{PRINT_FILE_NAMES[fmt]}" for fmt in (*LEAFLET_FORMATS, "guide-a4")}
            expected |= {f"{folder}/ma-qr.png", f"{folder}/ma-qr.svg"}
            assert expected <= set(demo.files), folder
            assert expected - linked_files(demo.out, page) == set(), page


def test_manifest_and_output_tree_agree_file_for_file(demo):
    on_disk = {p.relative_to(demo.out).as_posix() for p in demo.out.rglob("*") if p.is_file()}
    assert set(demo.files) == on_disk - {"manifest.json"}
    for path, entry in demo.files.items():
        assert entry["sha256"] == hashlib.sha256((demo.out / path).read_bytes()).hexdigest(), path
    pdfs = {p for p in on_disk if p.endswith(".pdf")}
    assert pdfs == {path for path, entry in demo.files.items() if entry["kind"] == "print"}
    assert len(pdfs) == demo.report.pdfs


def test_every_guide_and_commune_gets_the_print_files_the_content_asks_for(demo):
    expected = set()
    for province in demo.site.provinces:
        folder = f"{province.slug}/{PRINT_DIR}"
        published = {g.slug for g in demo.site.guides_for(province)}
        for guide in published:
            expected |= {f"{folder}/{guide}/{PRINT_FILE_NAMES[f]}" for f in (*LEAFLET_FORMATS, "guide-a4")}
            expected |= {f"{province.slug}/{IMAGE_DIR}/{guide}/{PRINT_FILE_NAMES[f]}" for f in INFOGRAPHIC_FORMATS}
        expected |= {f"{folder}/{PRINT_FILE_NAMES[f]}" for f in POSTER_FORMATS}
        for commune in province.communes:
            chosen = [g for g in commune.print_guides if g in published]
            for guide in chosen:
                expected |= {f"{folder}/{commune.slug}/{guide}/{PRINT_FILE_NAMES[f]}" for f in LEAFLET_FORMATS}
            if chosen:
                expected |= {f"{folder}/{commune.slug}/{PRINT_FILE_NAMES[f]}" for f in POSTER_FORMATS}
    assert {f.path for f in demo.prints} == expected


# --- 8. Commune leaflets ------------------------------------------------------------------


def test_commune_leaflets_carry_their_own_code_and_service_centre(demo, texts):
    checked = 0
    for province in demo.site.provinces:
        others_of = {c.slug: [o for o in province.communes if o.slug != c.slug] for c in province.communes}
        for commune in province.communes:
            for guide in commune.print_guides:
                own = demo.code(guide, province.slug, commune.slug)
                shared = demo.code(guide, province.slug)
                assert own != shared
                for fmt in LEAFLET_FORMATS:
                    path = f"{province.slug}/{PRINT_DIR}/{commune.slug}/{guide}/{PRINT_FILE_NAMES[fmt]}"
                    assert demo.files[path]["qr"] == [demo.url(own)], path
                    text = collapse(texts[path])
                    assert demo.display(own) in text, path
                    assert demo.display(shared) not in text, path
                    assert collapse(commune.service_centre.name) in text, path
                    if fmt in WITH_ADDRESS:
                        assert collapse(commune.service_centre.address) in text, path
                        assert collapse(province.service_centre.address) not in text, path
                    for other in others_of[commune.slug]:
                        assert collapse(other.service_centre.address) not in text, f"{path}: {other.slug}"
                        assert collapse(other.service_centre.name) not in text, f"{path}: {other.slug}"
                    checked += 1
    assert checked == 3 * 3  # the demo: phuong-long-chau (two guides) and phuong-thanh-duc (one), three formats


# --- 9. Checking a leaflet ----------------------------------------------------------------


def test_check_page_exists_is_printed_on_every_file_and_reads_the_short_link_pages(demo, texts):
    slug = CHECK_PAGE.removesuffix(".md")
    page = demo.out / slug / "index.html"
    assert page.is_file()
    assert demo.files[f"{slug}/index.html"]["kind"] == "page"
    html = page.read_text("utf-8")
    assert 'id="check-code"' in html and 'id="code"' in html
    assert f'data-short-links="../{SHORT_LINK_DIR}/"' in html  # what the page reads, relative to itself
    script = (demo.out / "assets/javascripts/dvc.js").read_text("utf-8")
    assert "fetch(form.dataset.shortLinks + code" in script and 'getElementById("short-link").dataset' in script

    printed = compact(f"{demo.base}/{slug}/".removeprefix("https://"))
    for file in demo.prints:
        assert printed in compact(texts[file.path]), f"{file.path}: check page address not printed"

    registry = {e["code"]: e for e in demo.registry}
    for code in sorted(p.name for p in (demo.out / SHORT_LINK_DIR).iterdir()):
        entry = registry[code]
        guide, province = current(demo, entry)
        short = demo.out / slug / f"../{SHORT_LINK_DIR}/{code}/index.html"
        assert short.resolve() == (demo.out / SHORT_LINK_DIR / code / "index.html").resolve()
        data = read_html(short).data.get("short-link")
        assert data is not None, code
        commune = entry.get("commune")
        assert data == {
            "code": code,
            "guide": demo.guide(guide).title,
            "province": demo.province(province).name,
            "commune": demo.commune(province, commune).name if commune else "",
            "batch": entry["batch"],
            "target": f"{demo.base}/{province}/{GUIDES_DIR}/{guide}/",
            "retired": "",  # no demo code is retired
        }, code
    assert any(e.get("commune") for e in registry.values())  # commune codes were among those checked
