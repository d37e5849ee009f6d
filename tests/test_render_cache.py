"""The render cache of pictures and QR codes: a rebuild with no change neither lays out nor draws a
picture nor makes a QR code again, serves the same bytes, and anything a picture shows changes its key."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import ModuleType

import pytest
from PIL import ImageFont

from generator.build import BuildOptions, check
from generator.cache import RenderCache, code_digest
from generator.models import Province
from generator.plan import ChartJob, GuideInProvince, ImageJob, QrCode, plan_build, plan_results
from generator.render import qr, scene
from generator.render.images import ImageError, ImageRenderer
from generator.results import Figures
from generator.validate import Site
from tests.conftest import MINI, ROOT
from tests.test_results_charts import many_communes


def boom(*args: object, **kwargs: object) -> None:
    raise AssertionError("called on a warm cache")


def plan_jobs(folder: Path) -> tuple[Site, list[ImageJob | ChartJob]]:
    site = check(BuildOptions(content=folder / "content", config=folder / "site_config.yml"))
    sites = plan_build(site).sites
    jobs = [job for s in sites for job in (*s.images, *([s.card] if s.card else []), *s.charts)]
    return site, jobs


@pytest.fixture(scope="module")
def mini_jobs():
    return plan_jobs(MINI)


@pytest.fixture(scope="module")
def drawn(mini_jobs, tmp_path_factory):
    """Every picture of the mini content drawn once into a fresh cache: (cache folder, {path: (png, svg)})."""
    site, jobs = mini_jobs
    folder = tmp_path_factory.mktemp("render-cache")
    renderer = ImageRenderer(site.config, RenderCache(folder))
    pictures = {job.path: renderer.render(job) for job in jobs}
    assert renderer.renders == len(jobs) == len(pictures)
    assert {job.kind for job in jobs if isinstance(job, ChartJob)} == {"progress"}
    assert any(job.guide is None for job in jobs if isinstance(job, ImageJob))  # share cards too
    return folder, pictures


def test_a_warm_cache_neither_lays_out_nor_draws_and_serves_the_same_bytes(mini_jobs, drawn, monkeypatch):
    site, jobs = mini_jobs
    folder, pictures = drawn
    # Laying out a scene measures text with FreeType; drawing goes through scene.png and scene.svg.
    monkeypatch.setattr(ImageFont.FreeTypeFont, "getlength", boom)
    monkeypatch.setattr(scene, "png", boom)
    monkeypatch.setattr(scene, "svg", boom)
    cache = RenderCache(folder)
    renderer = ImageRenderer(site.config, cache)
    assert {job.path: renderer.render(job) for job in jobs} == pictures
    assert renderer.renders == 0
    assert (cache.hits, cache.misses) == (2 * len(jobs), 0)


def test_a_cold_cache_draws_the_same_bytes_as_no_cache(mini_jobs, drawn):
    site, jobs = mini_jobs
    _, pictures = drawn
    renderer = ImageRenderer(site.config)  # keeps nothing
    for job in (jobs[0], next(j for j in jobs if isinstance(j, ChartJob))):
        assert renderer.render(job) == pictures[job.path]


def test_what_a_picture_shows_changes_its_key_and_what_it_does_not_show_keeps_it(mini_jobs):
    site, jobs = mini_jobs
    renderer = ImageRenderer(site.config)
    job = next(j for j in jobs if isinstance(j, ImageJob) and j.guide is not None and j.width < j.height)
    assert job.guide is not None and job.province is not None and job.qr is not None

    def with_guide(province: Province | None = None, **changes: object) -> ImageJob:
        assert job.guide is not None
        guide = job.guide.guide.model_copy(update=changes)
        where = province or job.guide.province
        return dataclasses.replace(job, guide=GuideInProvince(guide, where, job.guide.note))

    steps = job.guide.steps
    retitled = [steps[0].model_copy(update={"title": steps[0].title + " ngay"}), *steps[1:]]
    hotline = job.province.hotlines[0].model_copy(update={"number": "0900 111 222"})
    province = job.province.model_copy(update={"hotlines": [hotline, *job.province.hotlines[1:]]})
    colours = site.config.model_copy(update={"theme": site.config.theme.model_copy(update={"primary": "#7a1f1f"})})
    shown = {
        "step title": (renderer, with_guide(steps=retitled)),
        "guide title": (renderer, with_guide(title=job.guide.title + " mới")),
        "QR URL": (renderer, dataclasses.replace(job, qr=QrCode.of("ZZZZ", site.config.base))),
        "hotline": (renderer, with_guide(province=province)),
        "size": (renderer, dataclasses.replace(job, width=job.width - 80)),
        "primary colour": (ImageRenderer(colours), job),
        "site name": (ImageRenderer(site.config.model_copy(update={"site_name": "Cổng hỗ trợ"})), job),
    }
    before = repr(renderer.scene(job))
    for what, (other, changed) in shown.items():
        assert repr(other.scene(changed)) != before, what  # the picture does show it
        assert other.key(changed) != renderer.key(job), what

    # A step's body is on the guide page, not in the picture: no new key, nothing to draw.
    rewritten = [steps[0].model_copy(update={"body": "Một cách diễn đạt khác."}), *steps[1:]]
    unchanged = with_guide(steps=rewritten)
    assert repr(renderer.scene(unchanged)) == before
    assert renderer.key(unchanged) == renderer.key(job)


def test_chart_keys_follow_figures_places_and_parts():
    site, province = many_communes(12)
    jobs, _, _ = plan_results(site, province)
    renderer = ImageRenderer(site.config)
    comparison = next(j for j in jobs if j.kind == "comparison" and j.parts > 1)
    # The commune closest to its target: first in the comparison, so its figures are in part 1.
    progress = next(j for j in jobs if j.kind == "progress" and j.commune and j.commune.slug == "phuong-so-11")
    assert comparison.commune is None and progress.commune is not None
    slug = progress.commune.slug
    figures = progress.period.communes[slug]
    more = Figures({**figures.actual, "dossiers_supported": figures.actual["dossiers_supported"] + 1}, figures.target)
    period = dataclasses.replace(progress.period, communes={**progress.period.communes, slug: more})
    renamed = province.model_copy(
        update={"communes": [c.model_copy(update={"name": c.name + " Mới"}) for c in province.communes]}
    )
    variants = [
        (progress, dataclasses.replace(progress, period=period)),  # a figure of the commune
        (comparison, dataclasses.replace(comparison, period=period)),  # a figure of a commune compared
        (comparison, dataclasses.replace(comparison, part=comparison.part + 1)),
        (comparison, dataclasses.replace(comparison, province=renamed)),  # commune names
        (progress, dataclasses.replace(progress, period=dataclasses.replace(period, label="Quý I/2027"))),
    ]
    for job, changed in variants:
        assert repr(renderer.scene(changed)) != repr(renderer.scene(job))
        assert renderer.key(changed) != renderer.key(job)


def test_equal_keys_mean_equal_scenes_over_the_demo_content():
    site, jobs = plan_jobs(ROOT)
    renderer = ImageRenderer(site.config)
    scenes: dict[str, str] = {}
    for job in jobs:
        shown = repr(renderer.scene(job))
        assert scenes.setdefault(renderer.key(job), shown) == shown, job.path
    assert len(set(scenes.values())) == len(scenes)  # and different scenes never share a key
    assert {job.kind for job in jobs if isinstance(job, ChartJob)} == {"progress", "comparison"}


def test_a_picture_that_does_not_fit_is_never_cached_and_fails_the_same_way_every_time(mini_jobs, tmp_path):
    site, jobs = mini_jobs
    job = next(j for j in jobs if isinstance(j, ImageJob) and j.path.endswith("/bang-tin"))
    assert job.guide is not None
    steps = [
        job.guide.steps[0].model_copy(update={"title": f"Bước bổ sung số {n} cần làm cẩn thận"}) for n in range(30)
    ]
    guide = job.guide.guide.model_copy(update={"steps": steps})
    long = dataclasses.replace(job, guide=GuideInProvince(guide, job.guide.province, job.guide.note))
    expected = f"{job.path}: 1080x1350: field steps does not fit even at 80% size; shorten it"
    for _ in range(2):
        cache = RenderCache(tmp_path)
        with pytest.raises(ImageError) as caught:
            ImageRenderer(site.config, cache).render(long)
        assert str(caught.value) == expected
        assert cache.misses == 2
    assert not list(tmp_path.rglob("*.*"))  # nothing was stored
    with pytest.raises(ImageError, match="field steps does not fit"):
        ImageRenderer(site.config).scene(long)


def test_a_chart_that_does_not_fit_names_its_field_on_every_render(tmp_path):
    site, province = many_communes(3, "Phường {i} " + "Đông Hưng Thuận " * 10)
    jobs, _, _ = plan_results(site, province)
    comparison = next(j for j in jobs if j.kind == "comparison")
    for _ in range(2):
        with pytest.raises(ImageError) as caught:
            ImageRenderer(site.config, RenderCache(tmp_path)).render(comparison)
        assert caught.value.field == "commune"
        assert "1080x1350: the name of commune phuong-so-" in str(caught.value)
    assert not list(tmp_path.rglob("*.*"))


def test_qr_files_are_the_codes_png_and_svg_and_come_from_the_cache_the_second_time(tmp_path, monkeypatch):
    url = QrCode.of("0013", "https://huongdan-dvc.example.org").url
    other = QrCode.of("0021", "https://huongdan-dvc.example.org").url
    expected = (qr.png(url), qr.svg(url).encode("utf-8"))
    first = RenderCache(tmp_path)
    assert qr.files(url, first) == expected
    assert (first.hits, first.misses) == (0, 2)
    assert qr.files(other, RenderCache(None)) == (qr.png(other), qr.svg(other).encode("utf-8"))

    monkeypatch.setattr(qr, "matrix", boom)  # every code is made from its matrix
    again = RenderCache(tmp_path)
    assert qr.files(url, again) == expected
    assert (again.hits, again.misses) == (2, 0)
    with pytest.raises(AssertionError, match="warm cache"):
        qr.files(other, again)  # never made into this cache: it must be made, not mistaken for another


def test_code_digest_changes_with_any_edit_of_the_source(tmp_path):
    source = tmp_path / "drawing.py"
    source.write_text("SIZE = 1\n", "utf-8")
    module = ModuleType("drawing")
    module.__file__ = str(source)
    before = code_digest((module,), ("pillow",))
    assert code_digest((module,), ("pillow",)) == before
    source.write_text("SIZE = 2\n", "utf-8")
    assert code_digest((module,), ("pillow",)) != before
    assert code_digest((module,), ("pillow", "qrcode")) != code_digest((module,), ("pillow",))
