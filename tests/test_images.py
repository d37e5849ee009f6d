"""Step infographics and share cards, checked with real tools: Pillow for sizes, an XML parser
for the SVG text, Tesseract's Vietnamese model for what a reader sees in the PNG, zxing-cpp
for the QR codes, and the built pages for Open Graph tags."""

from __future__ import annotations

import difflib
import itertools
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from generator.build import BuildOptions, build, check
from generator.plan import IMAGE_DIR, STEP_IMAGE_SIZES, GuideInProvince, QrCode
from generator.render import scene
from generator.render.infographics import SHRINK_STEPS, InfographicError, StepFacts, step_scene
from tests.conftest import ROOT
from tests.test_bad_input import replace_line

SVG = "{http://www.w3.org/2000/svg}"
SIZES = {stem: (width, height) for stem, width, height, _ in STEP_IMAGE_SIZES}
OCR_PROVINCE = "vinh-long"


@pytest.fixture(scope="module")
def demo(built_demo):
    options = BuildOptions(content=built_demo.root / "content", config=built_demo.root / "site_config.yml")
    return built_demo.out, check(options), built_demo.files


def svg_text(path: Path) -> str:
    root = ET.parse(path).getroot()
    return " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))


def squeezed(text: str) -> str:
    return " ".join(text.split())


def step_pictures(files: dict) -> list[tuple[str, str, str]]:
    """(path without suffix, province, guide) of every step picture in the manifest."""
    found = []
    for path, entry in files.items():
        parts = path.split("/")
        if entry["kind"] == "image-png" and len(parts) == 4 and parts[1] == IMAGE_DIR:
            found.append((path.removesuffix(".png"), parts[0], parts[2]))
    return found


@pytest.mark.slow
def test_every_picture_has_its_size_format_and_a_decodable_qr_code(demo):
    out, site, files = demo
    pictures = step_pictures(files)
    guides_published = sum(len(site.guides_for(p)) for p in site.provinces)
    assert len(pictures) == guides_published * len(STEP_IMAGE_SIZES)

    def inspect(item):
        stem, _, _ = item
        image = Image.open(out / f"{stem}.png")
        expected = SIZES[stem.rsplit("/", 1)[1]]
        decoded = {r.text for r in zxingcpp.read_barcodes(image.convert("L"))}
        root = ET.parse(out / f"{stem}.svg").getroot()
        return stem, image.format, image.size, expected, decoded, root.get("viewBox")

    for stem, fmt, size, expected, decoded, view_box in ThreadPoolExecutor(4).map(inspect, pictures):
        assert fmt == "PNG" and size == expected, stem
        assert view_box == f"0 0 {expected[0]} {expected[1]}", stem
        assert decoded == set(files[f"{stem}.png"]["qr"]) == set(files[f"{stem}.svg"]["qr"]), stem
        assert len(decoded) == 1 and next(iter(decoded)).startswith("https://"), stem


@pytest.mark.slow
def test_every_step_title_is_real_text_in_the_svg_in_nfc(demo):
    out, site, files = demo
    for stem, province_slug, guide_slug in step_pictures(files):
        province = next(p for p in site.provinces if p.slug == province_slug)
        guide = GuideInProvince.of(next(g for g in site.guides if g.slug == guide_slug), province)
        text = svg_text(out / f"{stem}.svg")
        assert unicodedata.is_normalized("NFC", text), stem
        shown = guide.steps if not stem.endswith("xem-truoc") else guide.steps[:3]  # the preview shows three
        for step in shown:
            assert squeezed(step.title) in squeezed(text), (stem, step.title)
        # The title wraps over several <text> lines; every word is there, in order.
        assert squeezed(guide.title) in squeezed(text), stem


def ocr(path: Path) -> list[str]:
    result = subprocess.run(
        ["tesseract", str(path), "stdout", "-l", "vie", "--psm", "4"],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return [unicodedata.normalize("NFC", line.strip()) for line in result.stdout.splitlines() if line.strip()]


def best_match(wanted: str, lines: list[str]) -> float:
    """How closely some stretch of an OCR line, or of two neighbouring lines, reads the wanted text
    (1.0: exactly). A stretch, because the step number's badge is read as a stray character."""
    candidates = lines + [f"{a} {b}" for a, b in itertools.pairwise(lines)]
    best = 0.0
    for candidate in candidates:
        for start in range(max(1, len(candidate) - len(wanted) + 1)):
            window = candidate[start : start + len(wanted)]
            best = max(best, difflib.SequenceMatcher(None, wanted, window).ratio())
    return best


@pytest.mark.slow
def test_ocr_of_each_feed_picture_reads_every_step_title(demo):
    out, site, files = demo
    province = next(p for p in site.provinces if p.slug == OCR_PROVINCE)
    jobs = [(stem, guide) for stem, prov, guide in step_pictures(files) if prov == OCR_PROVINCE and "bang-tin" in stem]
    assert len(jobs) == len(site.guides_for(province))
    results = dict(ThreadPoolExecutor(2).map(lambda job: (job, ocr(out / f"{job[0]}.png")), jobs))
    poor = []
    for (stem, slug), lines in results.items():
        guide = GuideInProvince.of(next(g for g in site.guides if g.slug == slug), province)
        for step in guide.steps:
            score = best_match(step.title, lines)
            # At most about one character in five misread: Tesseract's Vietnamese model confuses
            # ậ/ả/ộ in bold type; a missing or clipped title scores far lower.
            if score < 0.8:
                poor.append((stem, step.title, round(score, 2), lines))
    assert poor == []


def test_stacked_marks_are_never_clipped_at_the_top_of_a_line():
    flow = scene.Flow(0, 0, 1000, 400)
    flow.text("ỄẶỰ Ổn định – ẨỸ", "title", 80, "bold")
    picture = scene.Scene(1000, 400, tuple(flow.items), "test")
    image = Image.open(BytesIO(scene.png(picture))).convert("L")
    rows = [y for y in range(image.height) if image.crop((0, y, image.width, y + 1)).getextrema()[0] < 128]
    assert rows and rows[0] > 0  # ink starts below the top edge: the marks above Ễ are whole
    assert rows[-1] < flow.y + 1  # and the flow moved below the last ink


def facts_with_steps(count: int) -> StepFacts:
    site = check(BuildOptions(content=ROOT / "content", config=ROOT / "site_config.yml"))
    province = site.provinces[0]
    guide = GuideInProvince.of(site.guides[0], province)
    facts = StepFacts.of(guide, QrCode.of("0013", site.config.base), site.config)
    steps = tuple(f"Bước làm việc thứ {n} với giấy tờ đã chuẩn bị sẵn" for n in range(1, count + 1))
    return replace(facts, steps=steps)


def step_size(picture: scene.Scene) -> float:
    return max(item.size for item in picture.items if isinstance(item, scene.Line) and "thứ 1 " in item.text)


def test_more_steps_shrink_the_text_to_a_minimum_then_name_the_field():
    design = step_size(step_scene(facts_with_steps(3), 1080, 1350))
    smaller = step_size(step_scene(facts_with_steps(7), 1080, 1350))
    assert smaller < design  # shrunk, and every step still there
    assert min(SHRINK_STEPS) * design <= smaller * 1.001
    with pytest.raises(InfographicError) as caught:
        step_scene(facts_with_steps(30), 1080, 1350)
    assert caught.value.field == "steps"
    assert "1080x1350: field steps does not fit even at 80% size" in str(caught.value)


@pytest.mark.slow
def test_a_guide_too_long_for_its_picture_is_an_error_naming_guide_and_field(run, mini, tmp_path):
    guide = "content/guides/tam-tru.yml"
    text = (mini / guide).read_text("utf-8")
    step = "  - title: Bước bổ sung số {n} cần làm cẩn thận\n    body: Làm theo hướng dẫn.\n"
    extra = "".join(step.format(n=n) for n in range(25))
    (mini / guide).write_text(text.replace("steps:\n", "steps:\n" + extra, 1), "utf-8")
    result = run(mini, "build", "--out", str(tmp_path / "out"), "--skip", "print", "--skip", "kit")
    assert result.code == 1
    assert f"  {guide}: tinh-a/anh/tam-tru/bang-tin: 1080x1350: field steps does not fit" in result.err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_every_page_has_open_graph_tags_with_a_share_picture(demo):
    out, _, files = demo
    pages = [p for p, e in files.items() if e["kind"] == "page" and p.endswith(".html") and not p.endswith("404.html")]
    assert len(pages) > 50
    for path in pages:
        html = (out / path).read_text("utf-8")
        meta = dict(
            (part.split('content="')[0].split('"')[1], part.split('content="')[1].split('"')[0])
            for part in html.split("<meta property=")[1:]
        )
        for tag in ("og:title", "og:description", "og:url", "og:image"):
            assert meta.get(tag), (path, tag)
        canonical = html.split('<link rel="canonical" href="')[1].split('"')[0]
        assert meta["og:url"] == canonical, path
        image = meta["og:image"].removeprefix("https://huongdan-dvc.example.org/")
        assert image in files, (path, image)
        assert Image.open(out / image).size == (1200, 630), path
        if "/huong-dan/" in path and not path.endswith("huong-dan/index.html"):
            assert image.endswith("/xem-truoc.png"), path  # a guide shares its own steps


@pytest.mark.slow
def test_infographic_page_shows_the_picture_its_text_and_downloads(demo):
    out, site, files = demo
    province = next(p for p in site.provinces if p.slug == OCR_PROVINCE)
    for guide in site.guides_for(province):
        folder = f"{OCR_PROVINCE}/{IMAGE_DIR}/{guide.slug}"
        html = (out / folder / "index.html").read_text("utf-8")
        assert 'alt="' in html and "bang-tin.png" in html
        for step in GuideInProvince.of(guide, province).steps:
            assert step.title in html, (folder, step.title)
        for name in ("bang-tin.png", "tin.png", "xem-truoc.png", "bang-tin.svg", "anh-in-a4.pdf", "anh-in-a3.pdf"):
            assert f'href="{name}"' in html or f'href="./{name}"' in html, (folder, name)
            assert f"{folder}/{name}" in files
        guide_page = (out / OCR_PROVINCE / "huong-dan" / guide.slug / "index.html").read_text("utf-8")
        assert f"../../{IMAGE_DIR}/{guide.slug}/" in guide_page


@pytest.mark.slow
def test_pictures_are_drawn_again_only_when_what_they_show_changes(mini, tmp_path):
    options = BuildOptions(
        content=mini / "content", config=mini / "site_config.yml", out=tmp_path / "out", skip_kit=True
    )
    first = build(options, progress=lambda message: None)
    assert first.images_rendered == first.images > 0
    again = build(options, progress=lambda message: None)
    assert again.images_rendered == 0

    replace_line(mini, "content/guides/tam-tru.yml", "title: Đăng ký tạm trú", "title: Đăng ký tạm trú trực tuyến")
    edited = build(options, progress=lambda message: None)
    published = sum(1 for p in check(options).provinces for g in check(options).guides_for(p) if g.slug == "tam-tru")
    assert edited.images_rendered == published * len(STEP_IMAGE_SIZES)
