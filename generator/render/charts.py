"""Results charts: progress against target for one place, and a comparison of communes for one measure.

Pure functions from figures to scenes (see scene.py), laid out with the bundled font's metrics like
the step infographics: text wraps, shrinks step by step to a minimum size, and past that raises
ChartError naming the field. Meaning never rests on colour: each bar has its figures, its
percentage and "Đạt"/"Chưa đạt" written next to it, and the target is a black mark with a legend.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..results import MEASURES, Figures, Measure, PeriodResults
from ..text import sort_key
from .fonts import covered_characters
from .scene import Box, DoesNotFit, Flow, Line, Scene, extent, width_of

SHRINK_STEPS = (1.0, 0.9, 0.8)  # the smallest is the minimum text size: 80 % of the design size
INK = "#111111"  # on white: contrast 18.9
MUTED = "#333333"  # on white: contrast 12.6
WHITE = "#ffffff"
MARK = "#111111"  # the target (100 %) mark
MIN_TEXT_CONTRAST = 4.5
MIN_BAR_CONTRAST = 3.0  # a bar against white and against its track: WCAG's minimum for graphics
SCALE_MIN, SCALE_MAX = 1.1, 1.6  # a bar track shows 0 .. this share of the target; longer bars stop at its end
ACHIEVED, NOT_ACHIEVED = "Đạt", "Chưa đạt"
_FIXED_TEXT = "Kết quả Tiến độ so với chỉ tiêu So sánh các xã, phường: Xếp theo tỷ lệ đạt số đã thực hiện, cao xuống"
_FIXED_TEXT += "thấp phần Vạch đứng màu đen mức (100 %) Thanh màu Chưa đặt chỉ tiêu Số liệu chi tiết"
_FIXED_TEXT += "Tháng Quý Năm IV Đơn vị Phần kỳ này"
_FIXED_TEXT += "".join(m.label + m.unit for m in MEASURES) + "0123456789 /·–.,:()%"


class ChartError(Exception):
    """A chart that cannot be drawn as designed; field says which text to shorten."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ChartFacts:
    """What every results chart of a province shows around its bars."""

    site_name: str
    place: str  # "Tỉnh Vĩnh Long", "Phường Long Châu, tỉnh Vĩnh Long"
    place_field: str  # what to shorten if the place does not fit: "province" or "commune:<slug>"
    period: str  # "Quý IV/2026"
    primary: str  # config.theme.primary
    link: str  # the results page, without https://, printed at the foot
    glyphs: str = ""  # characters of every chart of the province, so that SVG font subsets are shared
    place_name: str = ""  # the name an author would shorten if the place does not fit, e.g. the commune's


@dataclass(frozen=True)
class Bar:
    """One bar: a measure of one place, or one commune's value of a measure."""

    label: str
    field: str  # a measure key, or "commune:<slug>"
    actual: int
    target: int | None
    unit: str

    @property
    def percent(self) -> int | None:
        """Whole percent of the target reached, rounded down: 99.9 % is written 99 %, never 100 %."""
        return None if self.target is None else self.actual * 100 // self.target

    @property
    def achieved(self) -> bool:
        return self.target is not None and self.actual >= self.target

    @property
    def ratio(self) -> float:
        return self.actual / self.target if self.target else 0.0


# --- Figures as text --------------------------------------------------------------------------


def count(value: int) -> str:
    """3000 -> '3.000': Vietnamese groups thousands with dots."""
    return f"{value:,}".replace(",", ".")


def status(bar: Bar) -> str:
    """'73 % – Chưa đạt', '103 % – Đạt'; '' without a target."""
    if bar.target is None:
        return ""
    return f"{bar.percent} % – {ACHIEVED if bar.achieved else NOT_ACHIEVED}"


def figure(bar: Bar, unit: bool = True) -> str:
    """'2.194 / 3.000 hồ sơ', or '2.110 tài khoản' without a target."""
    shown = count(bar.actual) if bar.target is None else f"{count(bar.actual)} / {count(bar.target)}"
    return f"{shown} {bar.unit}" if unit else shown


def glyphs(*texts: str) -> str:
    """Every character the charts of these texts can show."""
    return "".join(sorted(set("".join(texts) + _FIXED_TEXT)))


# --- Bars from figures ------------------------------------------------------------------------


def progress_bars(figures: Figures) -> list[Bar]:
    """One bar per measure with an actual value, in MEASURES order."""
    return [
        Bar(m.label, m.key, figures.actual[m.key], figures.target.get(m.key), m.unit)
        for m in MEASURES
        if m.key in figures.actual
    ]


def comparison_bars(period: PeriodResults, measure: Measure, names: Mapping[str, str]) -> list[Bar]:
    """The communes with a value of the measure, best first: by share of target, then (no target) by value."""
    bars = [
        Bar(names.get(slug, slug), f"commune:{slug}", f.actual[measure.key], f.target.get(measure.key), measure.unit)
        for slug, f in period.communes.items()
        if measure.key in f.actual
    ]

    def rank(bar: Bar) -> tuple:
        if bar.target is not None:
            return (0, -bar.ratio, -bar.actual, sort_key(bar.label))
        return (1, 0.0, -bar.actual, sort_key(bar.label))

    return sorted(bars, key=rank)


def part_of(bars: Sequence[Bar], part: int, parts: int) -> list[Bar]:
    """Bars of picture `part` (1-based) of `parts`, split as evenly as possible in ranking order."""
    size = -(-len(bars) // parts)
    return list(bars[(part - 1) * size : part * size])


# --- Colours ----------------------------------------------------------------------------------


def _luminance(colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(colour: str, other: str, share: float) -> str:
    """share of colour, the rest of other."""
    parts = [round(int(colour[i : i + 2], 16) * share + int(other[i : i + 2], 16) * (1 - share)) for i in (1, 3, 5)]
    return "#" + "".join(f"{p:02x}" for p in parts)


def text_on(background: str) -> str:
    """White or near-black, whichever reads better on the background."""
    return WHITE if contrast(WHITE, background) >= contrast(INK, background) else INK


def bar_colours(primary: str) -> tuple[str, str]:
    """(bar, track): the site's colour, darkened until the bar stands out from white and from its track."""
    bar = primary
    for step in range(1, 11):
        if contrast(bar, WHITE) >= MIN_BAR_CONTRAST and contrast(bar, _mix(bar, WHITE, 0.16)) >= MIN_BAR_CONTRAST:
            break
        bar = _mix(primary, "#000000", 1 - step * 0.1)
    return bar, _mix(bar, WHITE, 0.16)


# --- Scenes -----------------------------------------------------------------------------------


def progress_scene(facts: ChartFacts, bars: Sequence[Bar], width: int, height: int) -> Scene:
    """Progress against target for one place and period: one labelled bar per measure."""
    label = f"Kết quả {facts.period}, {facts.place}: " + "; ".join(
        f"{bar.label}: {figure(bar)}" + (f", {status(bar)}" if bar.target is not None else ", chưa đặt chỉ tiêu")
        for bar in bars
    )
    _check_glyphs(facts, bars)
    return _shrinking(lambda scale: _progress(facts, bars, width, height, scale), label, facts, width, height, bars)


def comparison_scene(
    facts: ChartFacts, measure: Measure, ranked: Sequence[Bar], width: int, height: int, part: int = 1, parts: int = 1
) -> Scene:
    """One measure across communes for one period; picture `part` of `parts` when they do not fit in one."""
    shown = part_of(ranked, part, parts)
    first = (part - 1) * -(-len(ranked) // parts) + 1
    label = f"Kết quả {facts.period}, {facts.place}, so sánh các xã, phường: {measure.label}. " + "; ".join(
        f"{first + n}. {bar.label}: {figure(bar)}" + (f", {status(bar)}" if bar.target is not None else "")
        for n, bar in enumerate(shown)
    )
    _check_glyphs(facts, shown)
    draw = lambda scale: _comparison(facts, measure, ranked, shown, first, part, parts, width, height, scale)  # noqa: E731
    return _shrinking(draw, label, facts, width, height, shown)


def _shrinking(draw, label: str, facts: ChartFacts, width: int, height: int, bars: Sequence[Bar] = ()) -> Scene:
    field = ""
    for scale in SHRINK_STEPS:
        try:
            items = draw(scale)
            return Scene(width, height, tuple(items), label, glyphs=facts.glyphs)
        except DoesNotFit as exc:
            field = exc.field
    smallest = round(SHRINK_STEPS[-1] * 100)
    name, what = _named(field, facts, bars)
    raise ChartError(name, f"{width}x{height}: {what} does not fit even at {smallest}% size; shorten it")


def _named(field: str, facts: ChartFacts, bars: Sequence[Bar]) -> tuple[str, str]:
    """(field for the error, what to shorten in words): a commune's name lives in its province file."""
    if field.startswith("commune:"):
        slug = field.removeprefix("commune:")
        own = facts.place_name or facts.place
        name = own if facts.place_field == field else next((b.label for b in bars if b.field == field), slug)
        return "commune", f"the name of commune {slug} (“{name}”, in its province file)"
    if field == "province":
        return "province", f"the province's name (“{facts.place_name or facts.place}”)"
    return field, f"field {field}"


def _check_glyphs(facts: ChartFacts, bars: Sequence[Bar]) -> None:
    """Every character must be drawn by the bundled font: a missing glyph would print as an empty box."""
    covered = covered_characters()
    texts = [("site_name", facts.site_name), (facts.place_field, facts.place)]
    texts += [(bar.field, bar.label) for bar in bars]
    for field, text in texts:
        missing = [ch for ch in text if ord(ch) > 0x7E and ord(ch) not in covered]
        if missing:
            name, what = _named(field, facts, bars)
            chars = ", ".join(f"{ch!r} (U+{ord(ch):04X})" for ch in dict.fromkeys(missing))
            raise ChartError(name, f"{what}: the chart font has no glyph for {chars}")


def _header(facts: ChartFacts, width: int, unit: float, scale: float) -> tuple[list, float]:
    """The site and the place, on a band of the site's colour (text in white or black, whichever reads)."""
    colour = text_on(facts.primary)
    flow = Flow(unit, unit * 0.42, width - 2 * unit, unit * 5)
    flow.text(
        facts.site_name, "site_name", unit * 0.62 * scale, "semibold", colour, max_lines=2, space_after=unit * 0.1
    )
    flow.text(facts.place, facts.place_field, unit * 0.72 * scale, "bold", colour, max_lines=2)
    band = flow.y + unit * 0.42
    return [Box(0, 0, width, band, facts.primary), *flow.items], band


def _title(flow: Flow, title: str, subtitle: str, unit: float, scale: float, note: str = "") -> None:
    flow.text(title, "title", unit * 0.9 * scale, "bold", INK, max_lines=2, space_after=unit * 0.12)
    flow.text(subtitle, "title", unit * 0.58 * scale, "semibold", MUTED, max_lines=2, space_after=unit * 0.2)
    if note:
        flow.text(note, "title", unit * 0.45 * scale, "regular", MUTED, max_lines=2, space_after=unit * 0.15)
    flow.gap(unit * 0.3)


def _footer(facts: ChartFacts, width: int, height: int, unit: float, scale: float, legend: bool) -> tuple[list, float]:
    """The legend of the target mark and where the figures are published, pinned at the bottom."""
    size = unit * 0.42 * scale
    lines = [f"Số liệu chi tiết: {facts.link}"]
    if legend:
        lines.insert(0, "Vạch đứng màu đen: mức chỉ tiêu (100 %). Thanh màu: số đã thực hiện.")
    _, descent = extent("regular", size)
    pitch = size * 1.45
    last = height - unit * 0.5 - descent
    items = []
    for number, text in enumerate(reversed(lines)):
        if width_of(text, "regular", size) > width - 2 * unit:
            raise DoesNotFit("link")
        items.append(Line(unit, last - number * pitch, text, size, "regular", MUTED))
    top = last - (len(lines) - 1) * pitch - extent("regular", size)[0] - unit * 0.45
    items.append(Box(unit, top, width - 2 * unit, 2, "#767676"))
    return items, top


def _scale_end(bars: Sequence[Bar]) -> float:
    """How much of the target a full track shows: a little more than the best bar, within limits."""
    best = max((bar.ratio for bar in bars if bar.target is not None), default=1.0)
    return min(max(SCALE_MIN, best * 1.04), SCALE_MAX)


def _bar(x: float, top: float, width: float, height: float, bar: Bar, end: float, colours: tuple[str, str]) -> list:
    """Track, filled part and the target mark; without a target, the value against `end` (the largest value)."""
    fill, track = colours
    items: list = [Box(x, top, width, height, track, radius=height * 0.2)]
    share = bar.ratio / end if bar.target is not None else (bar.actual / end if end else 0.0)
    filled = width * min(1.0, share)
    if filled > 0:
        items.append(Box(x, top, max(filled, height * 0.4), height, fill, radius=height * 0.2))
    if bar.target is not None:
        mark = max(4.0, height * 0.1)
        over = height * 0.28
        centre = x + width / end
        # A white edge keeps the mark visible where it crosses the bar.
        items.append(Box(centre - mark / 2 - 2, top - over, mark + 4, height + 2 * over, WHITE))
        items.append(Box(centre - mark / 2, top - over, mark, height + 2 * over, MARK))
    return items


def _left_right(flow: Flow, left: str, right: str, field: str, size: float, weights: tuple[str, str]) -> None:
    """One line with text at both ends; DoesNotFit(field) when they would meet."""
    gap = size * 0.8
    if width_of(left, weights[0], size) + gap + width_of(right, weights[1], size) > flow.width:
        raise DoesNotFit(field)
    ascent, descent = max(extent(w, size) for w in weights)
    baseline = flow.y + ascent
    flow.items.append(Line(flow.x, baseline, left, size, weights[0], INK))
    if right:
        flow.items.append(Line(flow.x + flow.width, baseline, right, size, weights[1], INK, "end"))
    flow.y = baseline + descent
    if flow.y > flow.bottom:
        raise DoesNotFit(field)


def _progress(facts: ChartFacts, bars: Sequence[Bar], width: int, height: int, scale: float) -> list:
    unit = width / 18  # 60 px on a 1080 px picture
    header, band = _header(facts, width, unit, scale)
    footer, footer_top = _footer(facts, width, height, unit, scale, any(b.target is not None for b in bars))
    flow = Flow(unit, band + unit * 0.55, width - 2 * unit, footer_top - unit * 0.45)
    targets = any(b.target is not None for b in bars)
    subtitle = "Tiến độ so với chỉ tiêu" if targets else "Số đã thực hiện (kỳ này chưa đặt chỉ tiêu)"
    _title(flow, f"Kết quả {facts.period}", subtitle, unit, scale)
    colours = bar_colours(facts.primary)
    end = _scale_end(bars)
    size = unit * 0.62 * scale
    bar_height = unit * 0.62 * scale
    for bar in bars:
        flow.text(bar.label, bar.field, size, "semibold", INK, max_lines=2, space_after=unit * 0.12 * scale)
        if bar.target is None:
            _left_right(flow, figure(bar), "Chưa đặt chỉ tiêu", bar.field, size * 0.95, ("bold", "regular"))
        else:
            top = flow.y + bar_height * 0.28
            flow.items += _bar(flow.x, top, flow.width, bar_height, bar, end, colours)
            flow.y = top + bar_height * 1.28 + unit * 0.12 * scale
            _left_right(flow, figure(bar), status(bar), bar.field, size * 0.95, ("regular", "bold"))
        flow.gap(unit * 0.5 * scale)
        if flow.y > flow.bottom + unit * 0.5 * scale:
            raise DoesNotFit(bar.field)
    return header + flow.items + footer


def _comparison(
    facts: ChartFacts,
    measure: Measure,
    ranked: Sequence[Bar],
    shown: Sequence[Bar],
    first: int,
    part: int,
    parts: int,
    width: int,
    height: int,
    scale: float,
) -> list:
    unit = width / 18
    header, band = _header(facts, width, unit, scale)
    with_target = any(b.target is not None for b in ranked)
    footer, footer_top = _footer(facts, width, height, unit, scale, with_target)
    flow = Flow(unit, band + unit * 0.55, width - 2 * unit, footer_top - unit * 0.45)
    order = "Xếp theo tỷ lệ đạt chỉ tiêu" if with_target else "Xếp theo số đã thực hiện"
    order += f", cao xuống thấp. Đơn vị: {measure.unit}." + (f" Phần {part}/{parts}." if parts > 1 else "")
    _title(flow, measure.label, f"So sánh các xã, phường – {facts.period}", unit, scale, order)
    colours = bar_colours(facts.primary)
    end = _scale_end(ranked) if with_target else max((b.actual for b in ranked), default=0) * 1.04
    size = unit * 0.52 * scale
    value_size = unit * 0.46 * scale
    bar_height = unit * 0.4 * scale
    name_width = flow.width * 0.36
    bar_x = flow.x + name_width + unit * 0.4
    bar_width = flow.x + flow.width - bar_x
    value_ascent, value_descent = extent("bold", value_size)
    longest = max(shown, key=lambda bar: width_of(bar.label, "semibold", size)).field if shown else "communes"
    for number, bar in enumerate(shown, start=first):
        top = flow.y
        names = Flow(flow.x, top, name_width, flow.bottom)
        names.text(f"{number}. {bar.label}", bar.field, size, "semibold", INK, max_lines=2)
        value = figure(bar, unit=False) + (f" · {status(bar)}" if bar.target is not None else "")
        if with_target and bar.target is None:
            value += " · chưa đặt chỉ tiêu"
        if width_of(value, "bold", value_size) > bar_width:
            raise DoesNotFit(bar.field)
        baseline = top + max(value_ascent, extent("semibold", size)[0])  # level with the name's first line
        flow.items += names.items
        flow.items.append(Line(bar_x, baseline, value, value_size, "bold", INK))
        bar_top = baseline + value_descent + unit * 0.18 * scale
        if not (with_target and bar.target is None):
            flow.items += _bar(bar_x, bar_top, bar_width, bar_height, bar, end, colours)
        flow.y = max(names.y, bar_top + bar_height * 1.28) + unit * 0.42 * scale
        if flow.y > flow.bottom + unit * 0.42 * scale:
            raise DoesNotFit(longest)  # too many lines: the longest name is the one to shorten
    return header + flow.items + footer
