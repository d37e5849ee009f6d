"""Results charts (progress against target, communes compared), their print files and the page ket-qua/,
checked with real tools: Pillow for the PNGs, an XML parser for the SVG text, Tesseract's Vietnamese model
for what a reader sees, pypdf and poppler for the PDFs, and the built page's own tables and links.

Expected figures are read from the CSV files themselves, not from the project's results module."""

from __future__ import annotations

import csv
import dataclasses
import posixpath
import re
import unicodedata
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader

from generator.build import BuildOptions, build, check
from generator.plan import (
    CHART_SIZE,
    COMPARISON_MAX_ROWS,
    RESULTS_DIR,
    RESULTS_PAGE,
    ChartJob,
    SitePlan,
    plan_build,
    plan_results,
)
from generator.render import scene
from generator.render.charts import (
    SHRINK_STEPS,
    ChartError,
    ChartFacts,
    comparison_bars,
    comparison_scene,
    contrast,
    count,
    progress_bars,
    progress_scene,
)
from generator.render.images import ImageError, ImageRenderer
from generator.results import MEASURES, Figures, PeriodResults
from tests.conftest import ROOT
from tests.html_tools import read_page, resolve
from tests.pdf_tools import MM, collapse, pdf_fonts, pdf_text
from tests.test_bad_input import replace_line
from tests.test_images import best_match, ocr

SVG = "{http://www.w3.org/2000/svg}"
LABELS = {m.key: m.label for m in MEASURES}
UNITS = {m.key: m.unit for m in MEASURES}
OCR_PROVINCE = "vinh-long"


# --- The demo, built once --------------------------------------------------------------------------


@dataclasses.dataclass
class Demo:
    out: Path
    files: dict[str, dict]  # manifest entries by path
    plans: dict[str, SitePlan]  # province slug -> its site plan
    names: dict[str, dict[str, str]]  # province slug -> commune slug -> name
    content: Path


@pytest.fixture(scope="module")
def demo(built_demo) -> Demo:
    root = built_demo.root
    site = check(BuildOptions(content=root / "content", config=root / "site_config.yml"))
    plans = {s.prefix: s for s in plan_build(site).sites if s.prefix}
    names = {p.slug: {c.slug: c.name for c in p.communes} for p in site.provinces}
    return Demo(built_demo.out, built_demo.files, plans, names, root / "content")


def csv_figures(path: Path) -> dict[tuple[str, str], Figures]:
    """(period, commune or '') -> figures, straight from a results file as Excel saves it."""
    text = path.read_text("utf-8-sig")
    delimiter = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    found: dict[tuple[str, str], dict[str, dict[str, int]]] = {}
    for row in csv.DictReader(text.splitlines(), delimiter=delimiter):
        values = {k: int(re.sub(r"\D", "", row[k])) for k in LABELS if (row.get(k) or "").strip()}
        found.setdefault((row["period"], row["commune"]), {"actual": {}, "target": {}})[row["type"]] = values
    return {key: Figures(**kinds) for key, kinds in found.items()}


def charts_of(demo: Demo) -> list[ChartJob]:
    return [chart for plan in demo.plans.values() for chart in plan.charts]


def svg_lines(path: Path) -> list[str]:
    return ["".join(t.itertext()) for t in ET.parse(path).getroot().iter(f"{SVG}text")]


def squeezed(text: str) -> str:
    return " ".join(text.split())


def figure_text(actual: int, target: int | None, unit: str = "") -> str:
    shown = count(actual) if target is None else f"{count(actual)} / {count(target)}"
    return f"{shown} {unit}".strip()


def status_text(actual: int, target: int) -> str:
    return f"{actual * 100 // target} % – {'Đạt' if actual >= target else 'Chưa đạt'}"


# --- Pictures --------------------------------------------------------------------------------------


@pytest.mark.slow
def test_every_chart_is_in_the_manifest_with_kind_and_source_and_decodes_at_its_size(demo):
    charts = charts_of(demo)
    assert len(charts) >= 3 * 2 * (1 + 5 + 4)  # 3 provinces, 2 periods: the province, 5 communes, 4 measures
    listed = {p for p, e in demo.files.items() if e["kind"] in ("chart-png", "chart-svg")}
    assert listed == {f"{c.path}.{suffix}" for c in charts for suffix in ("png", "svg")}
    for chart in charts:
        province = chart.province.slug
        for suffix, kind in (("png", "chart-png"), ("svg", "chart-svg")):
            entry = demo.files[f"{chart.path}.{suffix}"]
            assert (entry["kind"], entry["province"], entry["source"]) == (
                kind,
                province,
                f"content/results/{province}.csv",
            )
        assert chart.path.startswith(f"{province}/{RESULTS_DIR}/")
        assert re.fullmatch(r"[a-z0-9/-]+", chart.path), chart.path  # lowercase ASCII addresses
        with Image.open(demo.out / f"{chart.path}.png") as image:
            assert (image.format, image.size) == ("PNG", CHART_SIZE), chart.path
            image.load()  # every byte decodes
        root = ET.parse(demo.out / f"{chart.path}.svg").getroot()
        assert root.get("viewBox") == f"0 0 {CHART_SIZE[0]} {CHART_SIZE[1]}", chart.path


@pytest.mark.slow
def test_progress_charts_show_every_measure_with_its_figures_and_verdict_as_real_nfc_text(demo):
    checked = 0
    for chart in charts_of(demo):
        if chart.kind != "progress":
            continue
        figures = csv_figures(demo.content / "results" / f"{chart.province.slug}.csv")
        own = figures.get((chart.period.period, chart.commune.slug if chart.commune else ""))
        if own is None:  # the province as the sum of its communes
            own = _summed(figures, chart.period.period)
        lines = svg_lines(demo.out / f"{chart.path}.svg")
        text = squeezed(" ".join(lines))
        assert unicodedata.is_normalized("NFC", text), chart.path
        assert chart.period.label in text
        for key, actual in own.actual.items():
            assert squeezed(LABELS[key]) in text, (chart.path, key)
            target = own.target.get(key)
            assert figure_text(actual, target, UNITS[key]) in lines, (chart.path, key)
            if target is not None:
                assert status_text(actual, target) in lines, (chart.path, key)
            else:
                assert "Chưa đặt chỉ tiêu" in lines
        for key in set(LABELS) - set(own.actual):
            assert LABELS[key] not in text, (chart.path, key)  # no bar for a measure without a value
        checked += 1
    assert checked == 3 * 2 * 6


def _summed(figures: dict[tuple[str, str], Figures], period: str) -> Figures:
    parts = [f for (p, commune), f in figures.items() if p == period and commune]
    return Figures(
        *(
            {
                k: sum(getattr(f, kind)[k] for f in parts if k in getattr(f, kind))
                for k in LABELS
                if any(k in getattr(f, kind) for f in parts)
            }
            for kind in ("actual", "target")
        )
    )


@pytest.mark.slow
def test_comparison_charts_name_every_commune_with_its_figures_best_first(demo):
    checked = 0
    for chart in charts_of(demo):
        if chart.kind != "comparison":
            continue
        assert chart.measure is not None and chart.parts == 1  # five communes fit one picture
        figures = csv_figures(demo.content / "results" / f"{chart.province.slug}.csv")
        names = demo.names[chart.province.slug]
        lines = svg_lines(demo.out / f"{chart.path}.svg")
        text = squeezed(" ".join(lines))
        assert unicodedata.is_normalized("NFC", text), chart.path
        assert chart.measure.label in text and chart.period.label in text
        key = chart.measure.key
        rows = [(slug, f) for (p, slug), f in figures.items() if p == chart.period.period and slug and key in f.actual]
        assert len(rows) >= 2
        order = []
        for slug, f in rows:
            target = f.target.get(key)
            ranked = [line for line in lines if re.fullmatch(rf"\d+\. {re.escape(names[slug])}", line)]
            assert len(ranked) == 1, (chart.path, names[slug], lines)
            order.append((int(ranked[0].split(".")[0]), f.actual[key] / target if target else -f.actual[key]))
            value = figure_text(f.actual[key], target) + (f" · {status_text(f.actual[key], target)}" if target else "")
            assert value in lines, (chart.path, slug, value)
        ratios = [ratio for _, ratio in sorted(order)]
        assert ratios == sorted(ratios, reverse=True), chart.path  # best share of target first
        checked += 1
    assert checked == 3 * 2 * 4


@pytest.mark.slow
def test_ocr_reads_every_measure_label_on_the_province_progress_chart(demo):
    plan = demo.plans[OCR_PROVINCE]
    chart = next(c for c in reversed(plan.charts) if c.kind == "progress" and c.commune is None)
    lines = ocr(demo.out / f"{chart.path}.png")
    labels = [LABELS[key] for key in chart.period.province.actual]
    assert len(labels) == 4
    poor = [(label, round(best_match(label, lines), 2)) for label in labels if best_match(label, lines) < 0.85]
    assert poor == [], lines
    assert best_match(f"Kết quả {chart.period.label}", lines) >= 0.85, lines


# --- Print ------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_each_period_has_an_a4_pdf_with_a_page_per_chart_and_embedded_fonts(demo):
    papers = [paper for plan in demo.plans.values() for paper in plan.chart_prints]
    assert len(papers) == 3 * 2
    listed = {p for p, e in demo.files.items() if e["kind"] == "print" and f"/{RESULTS_DIR}/" in p}
    assert listed == {paper.path for paper in papers}
    for paper in papers:
        entry = demo.files[paper.path]
        assert (entry["province"], entry["source"]) == (
            paper.province.slug,
            f"content/results/{paper.province.slug}.csv",
        )
        assert [c.kind for c in paper.charts] == ["progress"] + ["comparison"] * (len(paper.charts) - 1)
        pdf = demo.out / paper.path
        reader = PdfReader(pdf)
        assert len(reader.pages) == len(paper.charts) == 5, paper.path
        for page in reader.pages:
            assert abs(float(page.mediabox.width) - 210 * MM) < 1 and abs(float(page.mediabox.height) - 297 * MM) < 1
        assert reader.metadata.title == paper.title
        fonts = pdf_fonts(pdf)
        assert fonts and all(f.embedded and f.subset and "Be-Vietnam-Pro" in f.name for f in fonts), fonts
        text = collapse(pdf_text(pdf))
        for key in paper.period.province.actual:
            assert collapse(LABELS[key]) in text, (paper.path, key)
        for slug in paper.period.communes:
            assert collapse(demo.names[paper.province.slug][slug]) in text, (paper.path, slug)


# --- The page ---------------------------------------------------------------------------------------


class _Tables(HTMLParser):
    """Rows of cell texts of every table, and the alt text of every image, in one section of a page."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.alts: dict[str, str] = {}
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "img":
            attributes = dict(attrs)
            self.alts[attributes.get("src", "")] = attributes.get("alt", "")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def sections(html: str) -> dict[str, str]:
    """The HTML of each <h2 id=...> section."""
    parts = re.split(r'(?=<h2 id=")', html)
    return {re.match(r'<h2 id="([^"]+)"', part).group(1): part for part in parts[1:]}


def expected_cells(f: Figures, key: str) -> list[str]:
    actual, target = f.actual.get(key), f.target.get(key)
    cells = [count(actual) if actual is not None else "Chưa có số liệu"]
    cells.append(count(target) if target is not None else "Không đặt")
    if actual is not None and target is not None:
        return [*cells, f"{actual * 100 // target} %", "Đạt" if actual >= target else "Chưa đạt"]
    return [*cells, "–", "Không có chỉ tiêu" if actual is not None else "Chưa có số liệu"]


@pytest.mark.slow
def test_results_page_tables_give_every_figure_of_the_results_file(demo):
    for province in demo.plans:
        page = demo.out / province / RESULTS_DIR / "index.html"
        by_section = sections(page.read_text("utf-8"))
        figures = csv_figures(demo.content / "results" / f"{province}.csv")
        periods = sorted({p for p, _ in figures}, reverse=True)
        assert list(by_section)[: len(periods)] == [f"ket-qua-{p.lower()}" for p in periods]  # newest first
        for period in periods:
            tables = _Tables()
            tables.feed(by_section[f"ket-qua-{period.lower()}"])
            for (p, slug), f in figures.items():
                if p != period:
                    continue
                for key in dict.fromkeys([*f.actual, *f.target]):
                    if slug:
                        row = [demo.names[province][slug], LABELS[key], *expected_cells(f, key)]
                    else:
                        row = [f"{LABELS[key]} ({UNITS[key]})", *expected_cells(f, key)]
                    assert row in tables.rows, (province, period, row)
            if (period, "") not in figures:
                summed = _summed(figures, period)
                for key in summed.actual:
                    assert [f"{LABELS[key]} ({UNITS[key]})", *expected_cells(summed, key)] in tables.rows


@pytest.mark.slow
def test_results_page_shows_and_links_every_chart_and_pdf_with_alt_text(demo):
    for province, plan in demo.plans.items():
        assert ("Kết quả", RESULTS_PAGE) in plan.nav
        page = demo.out / province / RESULTS_DIR / "index.html"
        info = read_page(page)
        linked = set()
        for href in info.links + info.resources:
            target = resolve(demo.out, page, href)
            if target is not None:
                linked.add(posixpath.normpath(target[0].relative_to(demo.out).as_posix()))
        expected = {p for p, e in demo.files.items() if e["province"] == province and e["kind"].startswith("chart-")}
        expected |= {paper.path for paper in plan.chart_prints}
        assert expected and expected - linked == set(), province
        assert all((demo.out / p).is_file() for p in expected)
        tables = _Tables()
        tables.feed(page.read_text("utf-8"))
        shown = [c for c in plan.charts if c.commune is None]  # the province's progress and the comparisons
        for chart in shown:
            src = posixpath.relpath(f"{chart.path}.png", f"{province}/{RESULTS_DIR}")
            alt = tables.alts.get(src, "")
            assert chart.period.label in alt and len(alt) > 60, (chart.path, alt)
            if chart.kind == "comparison":
                assert chart.measure.label.lower() in alt.lower()
        home = read_page(demo.out / province / "index.html")
        assert any(href.rstrip("/").endswith(RESULTS_DIR) for href in home.links), province  # in the navigation


# --- Cache, misfits, plan ------------------------------------------------------------------------------


@pytest.mark.slow
def test_charts_are_drawn_again_only_when_their_figures_change(mini, tmp_path):
    options = BuildOptions(
        content=mini / "content", config=mini / "site_config.yml", out=tmp_path / "out", skip_kit=True
    )
    first = build(options, progress=lambda message: None)
    charts = [c for s in plan_build(check(options)).sites for c in s.charts]
    assert len(charts) == 4  # tinh-a, two periods: the province and xa-dong
    assert first.images_rendered == first.images > len(charts)

    again = build(options, progress=lambda message: None)
    assert (again.images_rendered, again.pdfs_rendered) == (0, 0)

    # xa-dong's own figures for 2026-Q4: only its progress chart changes (the province has its own row).
    replace_line(
        mini, "content/results/tinh-a.csv", "2026-Q4,xa-dong,actual,125,240,,18", "2026-Q4,xa-dong,actual,126,240,,18"
    )
    edited = build(options, progress=lambda message: None)
    assert (edited.images_rendered, edited.pdfs_rendered) == (1, 0)
    svg = (options.out / "tinh-a/ket-qua/2026-q4/xa-dong/tien-do.svg").read_text("utf-8")
    assert "126 / 300 hồ sơ" in svg


@pytest.mark.slow
def test_a_commune_name_too_long_for_its_chart_is_an_error_naming_the_results_file(run, mini, tmp_path):
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "before.txt").write_text("previous build", "utf-8")
    long_name = "Xã " + " ".join(["Đông Hưng Thuận Thượng Hạ"] * 12)
    replace_line(mini, "content/provinces/tinh-a.yml", "    name: Xã Đông", f"    name: {long_name}")
    result = run(mini, "build", "--out", str(tmp_path / "out"), "--skip", "print", "--skip", "kit")
    assert result.code == 1, result.err
    reported = [line for line in result.err.splitlines() if line.startswith("  content/results/tinh-a.csv: commune: ")]
    assert reported, result.err
    assert any(
        "tinh-a/ket-qua/2026-q4/xa-dong/tien-do: 1080x1350: the name of commune xa-dong" in line
        and "does not fit even at 80% size; shorten it" in line
        for line in reported
    ), reported
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["before.txt"]  # the previous output untouched


def test_a_province_without_results_has_no_results_page_charts_or_nav_entry(mini):
    site = check(BuildOptions(content=mini / "content", config=mini / "site_config.yml"))
    plans = {s.prefix: s for s in plan_build(site).sites}
    assert "tinh-b" not in site.results
    assert plans["tinh-b"].charts == [] and plans["tinh-b"].chart_prints == []
    assert all(p.path != RESULTS_PAGE for p in plans["tinh-b"].pages)
    assert all(title != "Kết quả" for title, _ in plans["tinh-b"].nav)
    assert ("Kết quả", RESULTS_PAGE) in plans["tinh-a"].nav
    paths = [c.path for c in plans["tinh-a"].charts]
    assert paths == [
        "tinh-a/ket-qua/2026-q4/tien-do",
        "tinh-a/ket-qua/2026-q4/xa-dong/tien-do",
        "tinh-a/ket-qua/2026-11/tien-do",
        "tinh-a/ket-qua/2026-11/xa-dong/tien-do",
    ]  # one commune: nothing to compare


def many_communes(count_: int, name: str = "Phường Số {i}"):
    """The demo's Vĩnh Long with count_ communes, all with results for 2026-Q4 (every fifth without a target)."""
    site = check(BuildOptions(content=ROOT / "content", config=ROOT / "site_config.yml"))
    province = next(p for p in site.provinces if p.slug == "vinh-long")
    template = province.communes[0]
    communes = [template.model_copy(update={"slug": f"phuong-so-{i}", "name": name.format(i=i)}) for i in range(count_)]
    province = province.model_copy(update={"communes": communes})
    figures = {
        c.slug: Figures(
            actual={"dossiers_supported": 100 + 13 * i, "people_guided": 50 + 7 * i},
            target={"dossiers_supported": 300} if i % 5 else {},
        )
        for i, c in enumerate(communes)
    }
    period = PeriodResults("2026-Q4", "Quý IV/2026", Figures({}, {}), figures)
    results = dataclasses.replace(site.results["vinh-long"], periods=[period])
    return dataclasses.replace(site, results={"vinh-long": results}), province


def test_communes_beyond_one_picture_are_split_evenly_over_several_in_ranking_order():
    site, province = many_communes(19)
    charts, papers, _ = plan_results(site, province)
    comparisons = [c for c in charts if c.kind == "comparison" and c.measure.key == "dossiers_supported"]
    assert [c.path.rsplit("/", 1)[1] for c in comparisons] == ["so-sanh-ho-so-1", "so-sanh-ho-so-2", "so-sanh-ho-so-3"]
    assert papers[0].charts == tuple(c for c in charts if c.commune is None)
    renderer = ImageRenderer(site.config)
    seen: list[str] = []
    for chart in comparisons:
        lines = [i.text for i in renderer.scene(chart).items if isinstance(i, scene.Line)]
        ranked = [line for line in lines if re.fullmatch(r"\d+\. Phường Số \d+", line)]
        assert len(ranked) <= COMPARISON_MAX_ROWS
        seen += ranked
    assert [int(line.split(".")[0]) for line in seen] == list(range(1, 20))  # each once, in order
    names = [line.split(". ", 1)[1] for line in seen]
    with_target = [n for n in names if int(n.rsplit(" ", 1)[1]) % 5]
    assert names[: len(with_target)] == with_target  # communes without a target come last


def test_a_long_commune_name_wraps_then_shrinks_then_names_the_field():
    site, province = many_communes(3, "Phường {i} " + "Đông Hưng Thuận " * 2)
    charts, _, _ = plan_results(site, province)
    renderer = ImageRenderer(site.config)
    assert all(renderer.scene(c) for c in charts)  # two lines are fine
    site, province = many_communes(3, "Phường {i} " + "Đông Hưng Thuận " * 10)
    charts, _, _ = plan_results(site, province)
    comparison = next(c for c in charts if c.kind == "comparison")
    with pytest.raises(ImageError) as caught:
        renderer.scene(comparison)
    assert caught.value.field == "commune"
    smallest = round(SHRINK_STEPS[-1] * 100)
    assert "1080x1350: the name of commune phuong-so-" in str(caught.value)
    assert f"does not fit even at {smallest}% size" in str(caught.value)


FACTS = ChartFacts(
    "Hướng dẫn thử nghiệm", "Tỉnh A", "province", "Quý IV/2026", "#0b4f9c", "example.org/tinh-a/ket-qua/"
)


def background_at(picture: scene.Scene, x: float, y: float) -> str:
    """The colour under a point: the last box drawn there, or the picture's background."""
    under = [
        b
        for b in picture.items
        if isinstance(b, scene.Box) and b.x <= x <= b.x + b.width and b.y <= y <= b.y + b.height
    ]
    return under[-1].fill if under else picture.background


@pytest.mark.parametrize("primary", ["#0b4f9c", "#ffd54f", "#2e7d32", "#000000"])
def test_every_text_reads_on_what_is_under_it_whatever_the_site_colour(primary):
    facts = dataclasses.replace(FACTS, primary=primary)
    figures = Figures(
        actual={"dossiers_supported": 2194, "people_guided": 7000, "accounts_created": 10},
        target={"dossiers_supported": 3000, "people_guided": 6000},
    )
    communes = {f"x{i}": Figures({"dossiers_supported": 10 * i + 1}, {"dossiers_supported": 40}) for i in range(5)}
    period = PeriodResults("2026-Q4", "Quý IV/2026", figures, communes)
    pictures = [
        progress_scene(facts, progress_bars(figures), 1080, 1350),
        comparison_scene(facts, MEASURES[0], comparison_bars(period, MEASURES[0], {}), 1080, 1350),
    ]
    for picture in pictures:
        for line in (i for i in picture.items if isinstance(i, scene.Line)):
            ratio = contrast(line.fill, background_at(picture, line.x, line.y - line.size * 0.3))
            assert ratio >= 4.5, (primary, line.text, ratio)


def test_progress_words_carry_the_verdict_and_measures_without_target_show_the_value_only():
    figures = Figures(
        actual={"dossiers_supported": 2194, "people_guided": 6000, "accounts_created": 2110},
        target={"dossiers_supported": 3000, "people_guided": 6000},
    )
    lines = [
        i.text for i in progress_scene(FACTS, progress_bars(figures), 1080, 1350).items if isinstance(i, scene.Line)
    ]
    assert "2.194 / 3.000 hồ sơ" in lines and "73 % – Chưa đạt" in lines
    assert "6.000 / 6.000 lượt người" in lines and "100 % – Đạt" in lines
    assert "2.110 tài khoản" in lines and "Chưa đặt chỉ tiêu" in lines
    assert not any("tập huấn" in line for line in lines)  # no value, no bar
    assert count(2999) == "2.999" and count(1234567) == "1.234.567"
    almost = progress_bars(Figures({"dossiers_supported": 2999}, {"dossiers_supported": 3000}))[0]
    assert (almost.percent, almost.achieved) == (99, False)  # never "100 %" before the target is reached


def test_a_character_the_font_lacks_is_an_error_naming_the_field():
    bars = progress_bars(Figures({"dossiers_supported": 1}, {}))
    with pytest.raises(ChartError) as caught:
        progress_scene(dataclasses.replace(FACTS, place="Tỉnh A \u4e00", place_field="province"), bars, 1080, 1350)
    assert caught.value.field == "province" and "U+4E00" in str(caught.value)
