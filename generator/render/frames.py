"""Layouts of the step video's frames (1080x1920): an opening frame, one frame per step and a
closing frame with the QR code. Large, high-contrast text for elderly viewers on small screens;
text that does not fit shrinks (SHRINK_STEPS), then FrameError names the field to shorten."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TypeVar

import markdown

from ..links import MARKDOWN_EXTENSIONS
from ..models import SiteConfig
from ..plan import GuideInProvince, QrCode
from .infographics import INK, MUTED, SHRINK_STEPS, WHITE
from .scene import Box, DoesNotFit, Flow, Line, QrMark, Scene, extent, wrap

WIDTH, HEIGHT = 1080, 1920
UNIT = WIDTH / 18  # 60 px
SCAN = "Quét mã để xem hướng dẫn đầy đủ"
CONTENT_BOTTOM = 0.8  # below this, platforms lay their buttons and captions over the video
TODO = "#d3dae4"  # steps still to come, in the progress bar
LONGEST_SENTENCE = 24  # words of a step body's first sentence a frame shows at most
SHORTEST_CLAUSE = 6  # words: a first sentence is not cut shorter than this at a comma

T = TypeVar("T")
_BLOCK_TAGS = re.compile(r"</?(p|li|ul|ol|br|h[1-6]|div|table|tr|td|th|blockquote|pre)\b[^>]*>")
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


class FrameError(Exception):
    """A field's text does not fit its frame even at the smallest size."""

    def __init__(self, field: str):
        smallest = round(SHRINK_STEPS[-1] * 100)
        super().__init__(f"field {field} does not fit the video frame even at {smallest}% size; shorten it")
        self.field = field


@dataclass(frozen=True)
class StepText:
    title: str
    excerpt: str  # the body's first sentence or two, plain text


@dataclass(frozen=True)
class VideoFacts:
    """What the frames show, taken from the guide as the province publishes it."""

    title: str
    province: str  # "Tỉnh Bắc Ninh"
    site_name: str
    primary: str
    steps: tuple[StepText, ...]
    qr: QrCode
    hotline: str  # "" when the province has none

    @classmethod
    def of(cls, guide: GuideInProvince, qr: QrCode, config: SiteConfig, words_per_step: int) -> VideoFacts:
        """`words_per_step`: what a step frame's time lets a viewer read, title and excerpt together."""
        place = f"{guide.province.kind} {guide.province.name}"
        hotlines = guide.province.hotlines
        return cls(
            title=guide.title,
            province=place[:1].upper() + place[1:],
            site_name=config.site_name,
            primary=config.theme.primary,
            steps=tuple(StepText(s.title, excerpt(s.body, words_per_step - len(s.title.split()))) for s in guide.steps),
            qr=qr,
            hotline=hotlines[0].number if hotlines else "",
        )


def plain(source: str) -> str:
    """Author Markdown as the words a reader sees: inline markup dropped without a space (so no
    "công chứng ," before punctuation), blocks and list items joined by a space."""
    rendered = markdown.markdown(source, extensions=list(MARKDOWN_EXTENSIONS))
    text = re.sub(r"<[^>]+>", "", _BLOCK_TAGS.sub(" ", rendered))
    return " ".join(html.unescape(text).split())


def excerpt(body: str, words: int) -> str:
    """The body's first sentence, and the next ones while the excerpt stays within `words` words.
    A first sentence longer than LONGEST_SENTENCE words is cut at its last comma or colon within
    that, or else at a word, and ends in "…"."""
    sentences: list[str] = []
    for part in _SENTENCE_END.split(plain(body)):
        if sentences and part[:1].islower():  # "(chưa có? xem …)": not the end of a sentence
            sentences[-1] += f" {part}"
        elif part:
            sentences.append(part)
    if not sentences:
        return ""
    chosen = [_shortened(sentences[0])]
    for sentence in sentences[1:]:
        if len(" ".join([*chosen, sentence]).split()) > words:
            break
        chosen.append(sentence)
    return " ".join(chosen)


def _shortened(sentence: str) -> str:
    words = sentence.split()
    if len(words) <= LONGEST_SENTENCE:
        return sentence
    kept = words[:LONGEST_SENTENCE]
    clauses = [n for n, word in enumerate(kept[:-1], start=1) if word[-1] in ",;:" and n >= SHORTEST_CLAUSE]
    kept = kept[: clauses[-1]] if clauses else kept
    return " ".join(kept).rstrip(",;:–-") + "…"


def scenes(facts: VideoFacts) -> list[Scene]:
    """Every frame in order; all step frames share one text size, the largest at which all fit."""
    return [_shrunk(lambda s: _opening(facts, s)), *_steps(facts), _shrunk(lambda s: _closing(facts, s))]


def _shrunk(layout: Callable[[float], T]) -> T:
    for scale in SHRINK_STEPS:
        try:
            return layout(scale)
        except DoesNotFit as exc:
            field = exc.field
    raise FrameError(field)


def _steps(facts: VideoFacts) -> list[Scene]:
    count = len(facts.steps)
    return _shrunk(lambda s: [_step(facts, n, count, s) for n in range(1, count + 1)])


def _opening(facts: VideoFacts, scale: float) -> Scene:
    flow = Flow(UNIT, UNIT * 2.5, WIDTH - 2 * UNIT, HEIGHT * CONTENT_BOTTOM)
    flow.text(facts.site_name, "site_name", UNIT * 0.8 * scale, "semibold", WHITE, max_lines=2)
    flow.y = max(flow.y + UNIT * 2, HEIGHT * 0.27)
    flow.text(facts.title, "title", UNIT * 1.75 * scale, "bold", WHITE, max_lines=6, space_after=UNIT * 1.0)
    flow.items.append(Box(flow.x, flow.y, UNIT * 3, UNIT * 0.2, WHITE))
    flow.gap(UNIT * 1.0)
    flow.text(facts.province, "province", UNIT * 1.15 * scale, "semibold", WHITE, max_lines=2, space_after=UNIT)
    steps = f"Hướng dẫn {len(facts.steps)} bước"
    flow.text(steps, "steps", UNIT * 0.95 * scale, "regular", WHITE, max_lines=1)
    return Scene(WIDTH, HEIGHT, tuple(flow.items), f"{facts.title}. {facts.province}", background=facts.primary)


def _step(facts: VideoFacts, number: int, count: int, scale: float) -> Scene:
    step = facts.steps[number - 1]
    field = f"steps[{number - 1}]"
    band = UNIT * 3.4
    items: list = [Box(0, 0, WIDTH, band, facts.primary)]
    label_size = UNIT * 1.6
    ascent, descent = extent("bold", label_size)
    items.append(Line(UNIT, (band + ascent - descent) / 2, f"Bước {number}/{count}", label_size, "bold", WHITE))
    items += _progress(number, count, band + UNIT * 0.6, facts.primary)
    top, bottom = band + UNIT * 2.0, HEIGHT * CONTENT_BOTTOM
    flow = Flow(UNIT, top, WIDTH - 2 * UNIT, bottom)
    flow.text(step.title, f"{field}.title", UNIT * 1.75 * scale, "bold", INK, max_lines=5, space_after=UNIT * 0.8)
    flow.items.append(Box(flow.x, flow.y, UNIT * 3, UNIT * 0.2, facts.primary))
    flow.gap(UNIT * 0.9)
    if step.excerpt:
        flow.text(step.excerpt, f"{field}.body", UNIT * 1.1 * scale, "regular", INK, max_lines=9, leading=1.4)
    # Short steps sit a little above the middle of the free room rather than under the bar.
    items += [replace(item, y=item.y + (bottom - flow.y) / 3) for item in flow.items]
    footer = f"Xem đủ: {facts.qr.display}"
    items += _centred(footer, "short_url", UNIT * 0.7, "semibold", MUTED, HEIGHT - UNIT * 2.2)[0]
    return Scene(WIDTH, HEIGHT, tuple(items), f"Bước {number}/{count}: {step.title}")


def _progress(number: int, count: int, top: float, primary: str) -> list[Box]:
    """One segment per step, filled up to the current one: where the viewer is, at a glance."""
    gap = UNIT * 0.25
    segment = (WIDTH - 2 * UNIT - gap * (count - 1)) / count
    height = UNIT * 0.4
    return [
        Box(UNIT + i * (segment + gap), top, segment, height, primary if i < number else TODO, radius=height / 2)
        for i in range(count)
    ]


def _closing(facts: VideoFacts, scale: float) -> Scene:
    band = Flow(UNIT, UNIT * 1.6, WIDTH - 2 * UNIT, HEIGHT)
    band.text(SCAN, "scan", UNIT * 1.3 * scale, "bold", WHITE, max_lines=3)
    y = band.y + UNIT * 1.2
    items: list = [Box(0, 0, WIDTH, y, facts.primary), *band.items]
    qr_size = UNIT * 13
    items.append(QrMark((WIDTH - qr_size) / 2, y + UNIT * 0.8, qr_size, facts.qr.url))
    y += UNIT * 0.8 + qr_size + UNIT * 0.4
    lines, y = _centred(facts.qr.display, "short_url", UNIT * 0.95 * scale, "bold", facts.primary, y)
    items += lines
    if facts.hotline:
        lines, y = _centred("Đường dây nóng", "hotline", UNIT * 0.95 * scale, "semibold", INK, y + UNIT * 1.2)
        items += lines
        lines, y = _centred(facts.hotline, "hotline", UNIT * 1.6 * scale, "bold", INK, y + UNIT * 0.3)
        items += lines
    footer = f"{facts.site_name} – {facts.province}"
    lines, y = _centred(footer, "site_name", UNIT * 0.7 * scale, "regular", MUTED, y + UNIT * 1.0, max_lines=2)
    if y > HEIGHT - UNIT * 0.6:
        raise DoesNotFit("site_name")
    return Scene(WIDTH, HEIGHT, (*items, *lines), f"{SCAN}: {facts.qr.display}")


def _centred(
    words: str, field: str, size: float, weight: str, fill: str, top: float, max_lines: int = 1
) -> tuple[list[Line], float]:
    """Lines centred across the frame below `top`, and the bottom of their ink."""
    try:
        lines = wrap(words, weight, size, WIDTH - 2 * UNIT)
    except DoesNotFit:
        raise DoesNotFit(field) from None
    if len(lines) > max_lines:
        raise DoesNotFit(field)
    ascent, descent = extent(weight, size)
    pitch = size * 1.3
    placed = [
        Line(WIDTH / 2, top + ascent + i * pitch, text, size, weight, fill, "middle") for i, text in enumerate(lines)
    ]
    return placed, top + ascent + (len(lines) - 1) * pitch + descent
