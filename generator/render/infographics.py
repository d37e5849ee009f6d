"""Layouts of the step infographics: a guide's steps, fee, time, hotline and QR code as a picture
in the sizes people post (feed, story, link preview) and for print (A4/A3, the same layout)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from ..models import SiteConfig
from ..plan import CHECK_PAGE, GuideInProvince, QrCode
from ..text import format_date, format_vnd
from .scene import Box, DoesNotFit, Flow, Line, QrMark, Scene, extent, width_of

SHRINK_STEPS = (1.0, 0.9, 0.8)  # the smallest is the minimum text size: 80 % of the design size
INK = "#111111"
_FIXED_TEXT = "Quét mã để xem hướng dẫn đầy đủ, có hình minh hoạ Đường dây nóng: Thông tin kiểm tra ngày … và bước nữa"
_FIXED_TEXT += "Phí, lệ phí (trực tuyến): Thời hạn giải quyết: Chỉ nộp hồ sơ trên trang chính thức."
_FIXED_TEXT += "Ảnh thật? Kiểm tra mã tại"
MUTED = "#333333"
PALE = "#eef2f7"
WHITE = "#ffffff"


class InfographicError(Exception):
    """Text that does not fit a picture even at the smallest size: names the field."""

    def __init__(self, field: str, size: str):
        smallest = round(SHRINK_STEPS[-1] * 100)
        super().__init__(f"{size}: field {field} does not fit even at {smallest}% size; shorten it")
        self.field = field


@dataclass(frozen=True)
class StepFacts:
    """What a step infographic shows, taken from the guide as the province publishes it."""

    title: str
    province: str  # "tỉnh Vĩnh Long"
    steps: tuple[str, ...]
    fee: str
    time: str
    hotline: str  # "0900 000 100"
    qr: QrCode
    reviewed: str  # "22/11/2026"
    site_name: str
    primary: str
    official: str  # the portal's domain, printed next to the code against look-alike sites
    check: str  # the "check a leaflet" page, without https://

    @classmethod
    def of(cls, guide: GuideInProvince, qr: QrCode, config: SiteConfig) -> StepFacts:
        channel = next((c for c in guide.channels if c.channel == "trực tuyến"), guide.channels[0])
        fee = format_vnd(channel.fee) if channel.fee is not None else channel.fee_note or "xem trên trang hướng dẫn"
        province = guide.province
        return cls(
            title=guide.title,
            province=f"{province.kind} {province.name}",
            steps=tuple(step.title for step in guide.steps),
            fee=fee,
            time=channel.processing_time,
            hotline=province.hotlines[0].number if province.hotlines else "",
            qr=qr,
            reviewed=format_date(guide.last_reviewed),
            site_name=config.site_name,
            primary=config.theme.primary,
            official=urlsplit(str(province.portals[0].url)).hostname or "",
            check=f"{config.base.removeprefix('https://')}/{CHECK_PAGE.removesuffix('.md')}/",
        )

    @property
    def glyphs(self) -> str:
        """Every character any size of this picture can show: one font subset serves them all."""
        texts = (self.label, self.site_name, self.province.upper(), self.hotline, self.time, self.reviewed)
        texts += (self.official, self.check)
        return "".join(sorted(set("".join(texts) + _FIXED_TEXT + "0123456789")))

    @property
    def label(self) -> str:
        steps = "; ".join(f"bước {n}: {title}" for n, title in enumerate(self.steps, start=1))
        return f"{self.title}, {self.province}. {steps}. Phí: {self.fee}. Quét mã QR: {self.qr.display}"


def step_scene(facts: StepFacts, width: int, height: int) -> Scene:
    """The picture at width x height: portrait or landscape, shrinking text step by step."""
    layout = _portrait if height >= width else _landscape
    for scale in SHRINK_STEPS:
        try:
            picture = layout(facts, width, height, scale)
            return Scene(picture.width, picture.height, picture.items, picture.label, glyphs=facts.glyphs)
        except DoesNotFit as exc:
            field = exc.field
    raise InfographicError(field, f"{width}x{height}")


def _header(facts: StepFacts, width: int, unit: float) -> tuple[list, float]:
    band = unit * 2.4
    items: list = [Box(0, 0, width, band, facts.primary)]
    size = unit * 0.72
    ascent, _ = extent("semibold", size)
    items.append(Line(unit, band / 2 - unit * 0.1, facts.site_name, size, "semibold", WHITE))
    province = facts.province[:1].upper() + facts.province[1:]
    items.append(Line(unit, band / 2 + ascent + unit * 0.1, province, size, "bold", WHITE))
    return items, band


def _portrait(facts: StepFacts, width: int, height: int, scale: float) -> Scene:
    unit = width / 18  # 60 px on a 1080 px picture
    header, band = _header(facts, width, unit)
    scale *= min(1.3, max(1.0, height / width / 1.25))  # taller pictures (stories) get larger text
    qr_size = min(width * 0.26, height * 0.2)
    bottom_block = qr_size + unit * 1.1
    flow = Flow(unit, band + unit * 0.6, width - 2 * unit, height - bottom_block - unit * 0.4)
    text = unit * scale
    flow.text(facts.title, "title", text * 1.05, "bold", INK, max_lines=4, space_after=unit * 0.5)
    _steps(flow, facts, text * 0.66, unit)
    flow.gap(unit * 0.3)
    _fee_box(flow, facts, text * 0.56, unit)
    items = header + flow.items
    items += _qr_block(facts, unit, height - bottom_block, width, qr_size, unit * 0.46 * scale)
    return Scene(width, height, tuple(items), facts.label)


def _landscape(facts: StepFacts, width: int, height: int, scale: float) -> Scene:
    unit = height / 12  # 52.5 px on a 630 px preview
    header, band = _header(facts, width, unit)
    qr_size = height * 0.46
    column = width - qr_size - unit * 3
    flow = Flow(unit, band + unit * 0.8, column, height - unit * 0.6)
    text = unit * scale
    flow.text(facts.title, "title", text * 1.05, "bold", INK, max_lines=3, space_after=unit * 0.5)
    _steps(flow, facts, text * 0.62, unit, limit=3)
    items = header + flow.items
    left = width - qr_size - unit
    top = band + unit * 0.6
    items.append(QrMark(left, top, qr_size, facts.qr.url))
    url_size = unit * 0.4
    centre = min(left + qr_size / 2, width - unit * 0.5 - width_of(facts.qr.display, "bold", url_size) / 2)
    items.append(Line(centre, top + qr_size + unit * 0.75, "Quét mã để xem", unit * 0.48, "semibold", INK, "middle"))
    items.append(Line(centre, top + qr_size + unit * 1.45, facts.qr.display, url_size, "bold", INK, "middle"))
    return Scene(width, height, tuple(items), facts.label)


def _steps(flow: Flow, facts: StepFacts, size: float, unit: float, limit: int | None = None) -> None:
    shown = facts.steps if limit is None else facts.steps[:limit]
    badge = size * 1.45
    for number, title in enumerate(shown, start=1):
        baseline = flow.text(title, "steps", size, "semibold", INK, indent=badge + unit * 0.35, space_after=unit * 0.2)
        ascent, _ = extent("bold", size * 0.8)
        middle = baseline - size * 0.36  # half the height of a lowercase letter
        flow.items.append(Box(flow.x, middle - badge / 2, badge, badge, facts.primary, radius=badge / 2))
        number_line = Line(flow.x + badge / 2, middle + ascent * 0.36, str(number), size * 0.8, "bold", WHITE, "middle")
        flow.items.append(number_line)
    if limit is not None and len(facts.steps) > limit:
        more = f"… và {len(facts.steps) - limit} bước nữa: quét mã để xem đủ"
        flow.text(more, "steps", size * 0.85, "regular", MUTED, indent=badge + unit * 0.35)


def _fee_box(flow: Flow, facts: StepFacts, size: float, unit: float) -> None:
    top = flow.y
    inner = Flow(flow.x + unit * 0.5, top + unit * 0.4, flow.width - unit, flow.bottom)
    inner.text(f"Phí, lệ phí (trực tuyến): {facts.fee}", "channels", size, "regular", INK, space_after=unit * 0.15)
    inner.text(f"Thời hạn giải quyết: {facts.time}", "channels", size, "regular", INK)
    height = inner.y - top + unit * 0.4
    if top + height > flow.bottom:
        raise DoesNotFit("channels")
    flow.items.append(Box(flow.x, top, flow.width, height, PALE, radius=unit * 0.3))
    flow.items += inner.items
    flow.y = top + height


def _qr_block(facts: StepFacts, unit: float, top: float, width: int, qr_size: float, size: float) -> list:
    items: list = [QrMark(unit * 0.6, top, qr_size, facts.qr.url)]
    column = Flow(unit * 1.2 + qr_size, top, width - qr_size - unit * 2.2, top + qr_size + unit * 1.0)
    scan = "Quét mã để xem hướng dẫn đầy đủ, có hình minh hoạ"
    column.text(scan, "qr", size, "semibold", INK, space_after=unit * 0.2)
    column.text(facts.qr.display, "short_url", size * 0.95, "bold", facts.primary, space_after=unit * 0.2)
    if facts.hotline:
        column.text(f"Đường dây nóng: {facts.hotline}", "hotline", size, "regular", INK, space_after=unit * 0.2)
    official = f"Chỉ nộp hồ sơ trên trang chính thức {facts.official}"
    column.text(official, "official", size * 0.8, "regular", INK, space_after=unit * 0.15)
    check = f"Thông tin kiểm tra ngày {facts.reviewed}. Ảnh thật? Kiểm tra mã tại {facts.check}"
    column.text(check, "reviewed", size * 0.8, "regular", MUTED)
    return items + column.items


def card_scene(site_name: str, place: str, primary: str, width: int, height: int) -> Scene:
    """The share card of pages without a picture of their own: the site, the province, the promise."""
    unit = height / 12
    items: list = [Box(0, 0, width, height, primary)]
    flow = Flow(unit * 1.2, unit * 1.6, width - unit * 2.4, height - unit)
    flow.text(site_name, "site_name", unit * 1.15, "bold", WHITE, max_lines=2, space_after=unit * 0.6)
    if place:
        flow.text(place, "province", unit * 0.9, "semibold", WHITE, max_lines=2, space_after=unit * 0.9)
    promise = "Từng bước làm thủ tục trên Cổng Dịch vụ công quốc gia và ứng dụng VNeID, có người hỗ trợ tận nơi"
    flow.text(promise, "summary", unit * 0.62, "regular", WHITE, max_lines=3)
    label = f"{site_name}{f' – {place}' if place else ''}"
    return Scene(width, height, tuple(items + flow.items), label)
