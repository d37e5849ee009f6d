"""Pictures of a build: step infographics, share cards and results charts as PNG and SVG, cached by what they show."""

from __future__ import annotations

from ..cache import RenderCache, digest
from ..models import SiteConfig
from ..plan import RESULTS_DIR, ChartJob, ImageJob
from . import scene
from .charts import ChartError, ChartFacts, comparison_bars, comparison_scene, glyphs, progress_bars, progress_scene
from .fonts import fingerprint
from .infographics import InfographicError, StepFacts, card_scene, step_scene

_RENDERER_VERSION = "1"  # bump when a change here alters the pictures for the same scene


class ImageError(Exception):
    def __init__(self, job: ImageJob | ChartJob, message: str, field: str = ""):
        super().__init__(f"{job.path}: {message}")
        self.job = job
        self.field = field  # the field to shorten, when the picture is a chart (step pictures name it in the message)


class ImageRenderer:
    def __init__(self, config: SiteConfig, cache: RenderCache | None = None):
        self.config = config
        self.cache = cache or RenderCache(None)
        self.renders = 0  # pictures actually drawn, for tests and benchmarks

    def scene(self, job: ImageJob | ChartJob) -> scene.Scene:
        if isinstance(job, ChartJob):
            return self._chart(job)
        if job.guide is None:
            place = f"{job.province.kind} {job.province.name}" if job.province else ""
            place = place[:1].upper() + place[1:]
            return card_scene(self.config.site_name, place, self.config.theme.primary, job.width, job.height)
        assert job.qr is not None
        try:
            return step_scene(StepFacts.of(job.guide, job.qr, self.config), job.width, job.height)
        except InfographicError as exc:
            raise ImageError(job, str(exc)) from None

    def _chart(self, job: ChartJob) -> scene.Scene:
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
        try:
            if job.kind == "progress":
                figures = job.period.communes[job.commune.slug] if job.commune else job.period.province
                return progress_scene(facts, progress_bars(figures), job.width, job.height)
            assert job.measure is not None
            ranked = comparison_bars(job.period, job.measure, names)
            return comparison_scene(facts, job.measure, ranked, job.width, job.height, job.part, job.parts)
        except ChartError as exc:
            raise ImageError(job, str(exc), exc.field) from None

    def render(self, job: ImageJob | ChartJob) -> tuple[bytes, bytes]:
        """(PNG, SVG) of the job; drawn only when no picture of the same scene is cached."""
        picture = self.scene(job)
        key = digest(_RENDERER_VERSION, fingerprint(), repr(picture))
        png, svg = self.cache.get("image", key, ".png"), self.cache.get("image", key, ".svg")
        if png is None or svg is None:
            self.renders += 1
            png, svg = scene.png(picture), scene.svg(picture).encode("utf-8")
            self.cache.put("image", key, ".png", png)
            self.cache.put("image", key, ".svg", svg)
        return png, svg
