"""Pictures of a build: step infographics, share cards and results charts as PNG and SVG, cached by
what they are made from.

A picture's scene comes from a pure layout function (step_scene, card_scene, progress_scene,
comparison_scene) of the facts, bars and size passed to it. The cache key is those arguments plus
the code and fonts that lay out and draw them, so a rebuild with no change neither lays out nor
draws anything. A layout that fails (text that does not fit) is never cached, and the same
arguments with the same code always fail the same way, so a failing picture cannot come from the
cache.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import lru_cache

from PIL import features

from ..cache import RenderCache, code_digest, digest
from ..models import SiteConfig
from ..plan import RESULTS_DIR, ChartJob, ImageJob
from ..results import MEASURES
from . import charts, fonts, infographics, qr, scene
from .charts import ChartError, ChartFacts, comparison_bars, comparison_scene, glyphs, progress_bars, progress_scene
from .fonts import fingerprint
from .infographics import InfographicError, StepFacts, card_scene, step_scene

# What a job's scene is made from (hashed into its cache key), and how to lay it out from exactly that.
Recipe = tuple[tuple[object, ...], Callable[[], scene.Scene]]


class ImageError(Exception):
    def __init__(self, job: ImageJob | ChartJob, message: str, field: str = ""):
        super().__init__(f"{job.path}: {message}")
        self.job = job
        self.field = field  # the field to shorten, when the picture is a chart (step pictures name it in the message)


@lru_cache(maxsize=1)
def _code() -> str:
    """Everything besides a job's inputs that decides its pixels: the source of the modules that lay out
    and draw pictures, the libraries that measure and draw text, fonts and QR codes, and the font files.
    MEASURES is there because every chart's font subset holds all their labels."""
    modules = (sys.modules[__name__], infographics, charts, scene, fonts, qr)
    native = [f"{name}={features.version(name)}" for name in ("freetype2", "raqm", "zlib")]
    return digest(code_digest(modules, ("pillow", "fonttools", "qrcode")), *native, fingerprint(), repr(MEASURES))


class ImageRenderer:
    def __init__(self, config: SiteConfig, cache: RenderCache | None = None):
        self.config = config
        self.cache = cache or RenderCache(None)
        self.renders = 0  # pictures actually drawn, for tests and benchmarks

    def scene(self, job: ImageJob | ChartJob) -> scene.Scene:
        """The job's picture laid out; ImageError naming the field when its text does not fit."""
        return self._lay_out(job, self._recipe(job)[1])

    def key(self, job: ImageJob | ChartJob) -> str:
        """The job's cache key: what its scene is made from, and the code that lays it out and draws it."""
        return digest(_code(), repr(self._recipe(job)[0]))

    def render(self, job: ImageJob | ChartJob) -> tuple[bytes, bytes]:
        """(PNG, SVG) of the job; laid out and drawn only when no picture made from the same inputs is cached."""
        inputs, layout = self._recipe(job)
        key = digest(_code(), repr(inputs))
        png, svg = self.cache.get("image", key, ".png"), self.cache.get("image", key, ".svg")
        if png is None or svg is None:
            picture = self._lay_out(job, layout)
            self.renders += 1
            png, svg = scene.png(picture), scene.svg(picture, cache=self.cache).encode("utf-8")
            self.cache.put("image", key, ".png", png)
            self.cache.put("image", key, ".svg", svg)
        return png, svg

    def _lay_out(self, job: ImageJob | ChartJob, layout: Callable[[], scene.Scene]) -> scene.Scene:
        try:
            return layout()
        except InfographicError as exc:
            raise ImageError(job, str(exc)) from None
        except ChartError as exc:
            raise ImageError(job, str(exc), exc.field) from None

    def _recipe(self, job: ImageJob | ChartJob) -> Recipe:
        """The arguments of the job's layout function, and the layout itself: cheap, nothing is measured."""
        if isinstance(job, ChartJob):
            return self._chart(job)
        size = (job.width, job.height)
        if job.guide is None:
            place = f"{job.province.kind} {job.province.name}" if job.province else ""
            place = place[:1].upper() + place[1:]
            card = (self.config.site_name, place, self.config.theme.primary)
            return ("card", *card, *size), lambda: card_scene(*card, *size)
        assert job.qr is not None
        facts = StepFacts.of(job.guide, job.qr, self.config)
        return ("steps", facts, *size), lambda: step_scene(facts, *size)

    def _chart(self, job: ChartJob) -> Recipe:
        province = job.province
        whole = f"{province.kind} {province.name}"
        link = f"{self.config.base.removeprefix('https://')}/{province.slug}/{RESULTS_DIR}/"
        names = {c.slug: c.name for c in province.communes}
        facts = ChartFacts(
            site_name=self.config.site_name,
            place=f"{job.commune.name}, {whole}" if job.commune else whole[:1].upper() + whole[1:],
            place_field=f"commune:{job.commune.slug}" if job.commune else "province",
            place_name=job.commune.name if job.commune else province.name,
            period=job.period.label,
            primary=self.config.theme.primary,
            link=link,
            # The same for every chart of the province: one font subset per weight serves them all.
            glyphs=glyphs(self.config.site_name, whole[:1].upper(), whole, link, *names.values()),
        )
        size = (job.width, job.height)
        if job.kind == "progress":
            figures = job.period.communes[job.commune.slug] if job.commune else job.period.province
            bars = progress_bars(figures)
            return ("progress", facts, bars, *size), lambda: progress_scene(facts, bars, *size)
        measure = job.measure
        assert measure is not None
        ranked = comparison_bars(job.period, measure, names)
        parts = (job.part, job.parts)
        inputs = ("comparison", facts, measure, ranked, *size, *parts)
        return inputs, lambda: comparison_scene(facts, measure, ranked, *size, *parts)
