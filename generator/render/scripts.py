"""Loudspeaker scripts (bài đọc loa truyền thanh): a guide as the province publishes it, in plain
spoken Vietnamese that an announcer reads in about a set time, for the province or one commune.

A script is made of parts (opening, summary, steps, fee, short link, help in person, hotline,
closing), each with versions from the richest to the barest. The barest of every part must fit
the set length; then richer versions are taken in order of importance while the estimate
(syllables at the campaign's reading speed) stays within it. A script that cannot fit, or that
falls short of 80 % of the length even with everything in, is an error naming the guide.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..models import ChannelOption, Hotline, SiteConfig
from ..plan import GuideInProvince, ScriptJob
from ..text import format_date
from .print import PrintRenderer
from .spoken import (
    digits_words,
    leftover_abbreviations,
    lower_first,
    number_words,
    paragraphs,
    sentences,
    spell,
    spoken,
    syllables,
)

MIN_SHARE = 0.8  # a script must fill at least this share of its set length
CHANNEL_PHRASES = {"trực tuyến": "Làm trực tuyến", "trực tiếp": "Làm trực tiếp", "bưu chính": "Gửi qua bưu chính"}
# Parts read together without a pause, in reading order; "steps" stands for every step.
PARAGRAPHS = (
    ("opening", "summary", "audience", "note"),
    ("documents",),
    ("steps",),
    ("warning",),
    ("faqs",),
    ("fee",),
    ("link",),
    ("help", "team", "centre", "hotline"),
    ("repeat", "closing"),
)
FULL, FIRST_PARAGRAPH, FIRST_SENTENCE, TITLE = range(4)  # a step's versions


class ScriptError(Exception):
    """A script cannot be made to fit its set length, or would leave something unreadable."""


@dataclass(frozen=True)
class Script:
    title: str  # "Bài đọc loa 1 phút: <guide title>"
    place: str  # where it is broadcast: "Phường Long Châu, tỉnh Vĩnh Long"
    paragraphs: tuple[str, ...]  # spoken form; a pause between paragraphs
    reading_speed: int  # syllables per minute
    length: int  # the set length, in seconds
    reviewed: dt.date  # the older of the guide's and the province's last check
    link: str  # the short link as printed, for reference (the text spells it)
    hotline: Hotline

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)

    @property
    def syllables(self) -> int:
        return syllables(self.text)

    @property
    def seconds(self) -> float:
        """Estimated reading time: syllables at the reading speed."""
        return self.syllables * 60 / self.reading_speed

    @property
    def duration(self) -> str:
        """'Độ dài dự kiến: khoảng 1 phút (58 giây) ở tốc độ 160 tiếng/phút'."""
        return (
            f"Độ dài dự kiến: khoảng {_minutes_seconds(self.length)} ({round(self.seconds)} giây) "
            f"ở tốc độ {self.reading_speed} tiếng/phút"
        )


def _minutes_seconds(seconds: int) -> str:
    minutes, rest = divmod(seconds, 60)
    return " ".join(([f"{minutes} phút"] if minutes else []) + ([f"{rest} giây"] if rest or not minutes else []))


# --- Parts ----------------------------------------------------------------------------------


@dataclass
class _Part:
    versions: list[str]  # spoken, richest first; the last is the barest ("" leaves the part out)
    choice: int = 0  # index into versions

    def __post_init__(self) -> None:
        self.choice = len(self.versions) - 1

    @property
    def text(self) -> str:
        return self.versions[self.choice]


class _Composer:
    """Everything a script may say about one job, each part in versions from richest to barest, and
    the order in which richer versions are worth the time."""

    def __init__(self, job: ScriptJob, config: SiteConfig):
        self.job = job
        self.guide: GuideInProvince = job.item.guide
        self.abbreviations = config.search.all_abbreviations
        self.parts: dict[str, _Part] = {}
        self.steps = [f"step {n}" for n in range(1, len(self.guide.steps) + 1)]
        self.faqs = [f"question {n}" for n in range(1, len(self.guide.faqs) + 1)]
        self._about()
        self._how()
        self._where()

    def say(self, written: str, then: str = "") -> str:
        """Written content as the announcer says it: to 'bà con' rather than 'bạn', each sentence with a
        capital; `then` (words already spoken, such as a spelled address) follows as it is."""
        text = re.sub(r"\bBạn\b", "Bà con", unicodedata.normalize("NFC", written))
        text = spoken(re.sub(r"(?<!các )\bbạn\b(?! bè| trẻ)", "bà con", text), self.abbreviations)
        text = re.sub(r"(^|[.!?]\s)(\w)", lambda m: m[1] + m[2].upper(), text)
        return f"{text} {then}." if then else text

    def _put(self, name: str, versions: list[str], optional: bool = True) -> None:
        self.parts[name] = _Part([*versions, ""] if optional else versions)

    def _sentences(self, prefix: str, markdown: str | None) -> list[str]:
        """'<prefix> <every sentence>' and '<prefix> <the first sentence>', or nothing."""
        found = sentences(" ".join(paragraphs(markdown))) if markdown else []
        return [self.say(f"{prefix} {' '.join(found[:n])}") for n in (len(found), 1)] if found else []

    def _about(self) -> None:
        guide, job = self.guide, self.job
        province = f"{job.province.kind} {job.province.name}"
        place = lower_first(job.commune.name) if job.commune else province
        title = guide.title.replace(": ", ", ")
        self._put("opening", [self.say(f"Kính thưa bà con {place}! Sau đây là hướng dẫn: {title}.")], optional=False)
        # The procedure code is for officials, not for listeners.
        summary = [s for s in sentences(" ".join(paragraphs(guide.summary))) if not _mentions_code(s, guide)]
        self._put("summary", [self.say(" ".join(summary[:n])) for n in range(len(summary), 0, -1)])
        self._put("audience", [self.say(f"Hướng dẫn này dành cho {lower_first(guide.audience)}.")])
        self._put("note", self._sentences(f"Lưu ý riêng tại {province}:", guide.note))

    def _how(self) -> None:
        guide = self.guide
        needed = [lower_first(doc.name) for doc in guide.documents if not doc.optional]
        self._put("documents", [self.say(f"Bà con cần chuẩn bị: {'; '.join(needed)}.")] if needed else [])
        for number, (name, step) in enumerate(zip(self.steps, guide.steps, strict=True), start=1):
            head = f"Bước {number_words(number)}: {step.title}" + ("" if step.title[-1] in ".?!" else ".")
            blocks = paragraphs(step.body)
            tip = " ".join(["Mẹo nhỏ:", *paragraphs(step.tip)]) if step.tip else ""
            bodies = [" ".join([*blocks, tip]), blocks[0], sentences(blocks[0])[0], ""] if blocks else [tip, "", "", ""]
            self._put(name, [self.say(f"{head} {body}".strip()) for body in bodies])
        warning = next((step.warning for step in guide.steps if step.warning), None)
        self._put("warning", self._sentences("Xin lưu ý:", warning))
        for name, entry in zip(self.faqs, guide.faqs, strict=True):
            question = self.say(entry.question)  # said first: "GPLX …?" starts with a capital once expanded
            asked = f"Bà con hỏi: {question[:1].upper()}{question[1:]}"
            self._put(name, [f"{asked} {answer}" for answer in self._sentences("Xin trả lời:", entry.answer)])
        self._put("fee", self._fee(), optional=False)

    def _fee(self) -> list[str]:
        """The fee of the online channel (else the first), then with its time, then with a further fact."""
        channels = self.guide.channels
        main = next((c for c in channels if c.channel == "trực tuyến"), channels[0])
        phrase = CHANNEL_PHRASES[main.channel]
        note = sentences(re.sub(r";\s*", ". ", main.fee_note)) if main.fee_note else []
        extra = ""
        if main.fee is None:
            first = note[0] if note else "bà con xem số tiền khi nộp hồ sơ."
            fee = first if "phí" in first.lower() else f"Lệ phí: {lower_first(first)}"
        elif main.fee == 0:
            fee = note[0] if note else f"{phrase} không mất phí."
        else:
            fee = f"{phrase}, bà con nộp {main.fee} đồng."
            others = [_fee_of(c) for c in channels if c is not main and c.fee not in (None, main.fee)]
            extra = " ".join(others) or (note[0] if note else "")
        timing = f"Thời gian giải quyết: {lower_first(main.processing_time.split(';')[0].rstrip('.'))}."
        return [self.say(f"{fee} {extra} {timing}"), self.say(f"{fee} {timing}"), self.say(fee)]

    def _where(self) -> None:
        job = self.job
        link = spell(job.item.qr.display)
        intro = "Hướng dẫn chi tiết, bà con mở điện thoại, quét mã QR trên tờ rơi hoặc gõ địa chỉ:"
        self._put("link", [self.say(intro, link), self.say("Hướng dẫn chi tiết có tại địa chỉ:", link)], False)
        # A listener who missed the address hears it again in a script of two minutes or more.
        again = job.seconds >= 120
        self._put("repeat", [self.say("Xin nhắc lại địa chỉ:", link)] if again else [], optional=not again)
        if job.commune is None:
            self._province_help()
        else:
            self._commune_help()
        hotline = job.province.hotlines[0]
        number = digits_words(hotline.number)
        named = self.say(f"Bà con cũng có thể gọi {lower_first(hotline.name)}, số:", number)
        self._put("hotline", [named, f"Đường dây nóng: {number}."], optional=False)
        self._put("closing", ["Xin cảm ơn bà con đã lắng nghe."], optional=False)

    def _province_help(self) -> None:
        where = "Cần người giúp, bà con đến Trung tâm Phục vụ hành chính công xã, phường nơi mình ở"
        self._put("help", [self.say(f"{where}, có tình nguyện viên hướng dẫn.")], optional=False)
        centre = self.job.province.service_centre
        address, hours = lower_first(centre.address), _clause(centre.hours)
        self._put("centre", [self.say(f"Hoặc đến {centre.name}, {address}, làm việc {hours}.")])
        self._put("team", [])

    def _commune_help(self) -> None:
        assert self.job.commune is not None
        centre, team = self.job.commune.service_centre, self.job.commune.volunteer_team
        where, hours = f"Cần người giúp, bà con đến {centre.name}", f"làm việc {_clause(centre.hours)}."
        address = lower_first(centre.address)
        self._put("help", [self.say(f"{where}, {address}, {hours}"), self.say(f"{where}, {hours}")], optional=False)
        self._put("centre", [])
        if team is None:
            self._put("team", [])
            return
        shifts = "; ".join(
            ("" if re.search(r"[–-]", shift.days) else "vào ")  # a range of days is said 'từ … đến …'
            + f"{shift.days}, {shift.hours}"
            + (f", tại {lower_first(shift.place)}" if shift.place else "")
            for shift in team.schedule
        )
        duty = f"{team.name} trực hỗ trợ bà con {_clause(shifts)}"
        self._put("team", [self.say(f"{duty}; số điện thoại:", digits_words(team.phone)), self.say(f"{duty}.")])

    def upgrades(self) -> list[tuple[str, int]]:
        """Richer versions in order of importance: for a commune, where to get help there; what the
        service is and costs; the steps by name; then details, the steps' first."""
        summary = len(self.parts["summary"].versions)
        order = [("help", 0), ("fee", 1), ("team", 1), ("summary", summary - 2)]
        order += [(step, TITLE) for step in self.steps]
        order += [("link", 0), ("note", 1), ("audience", 0), ("summary", summary - 3)]
        order += [(step, FIRST_SENTENCE) for step in self.steps]
        order += [("warning", 1), ("hotline", 0), ("documents", 0), ("fee", 0)]
        order += [("summary", n) for n in range(summary - 4, -1, -1)]
        order += [(step, FIRST_PARAGRAPH) for step in self.steps] + [(step, FULL) for step in self.steps]
        order += [("warning", 0), ("note", 0), ("team", 0), ("centre", 0)]
        order += [(faq, 1) for faq in self.faqs] + [(faq, 0) for faq in self.faqs]
        return [(part, version) for part, version in order if 0 <= version < len(self.parts[part].versions)]

    def allowed(self, part: str, version: int) -> bool:
        """A step is said only after the one before it, and in no more detail than it."""
        index = self.steps.index(part) if part in self.steps else 0
        return index == 0 or self.parts[self.steps[index - 1]].choice <= version

    def paragraphs(self) -> list[str]:
        texts = [" ".join(text for name in group for text in self._texts(name) if text) for group in PARAGRAPHS]
        return [text for text in texts if text]

    def _texts(self, name: str) -> list[str]:
        if name == "faqs":
            return [self.parts[faq].text for faq in self.faqs]
        if name != "steps":
            return [self.parts[name].text]
        said = [self.parts[step].text for step in self.steps if self.parts[step].text]
        more = ["Các bước còn lại có trong hướng dẫn."] if len(said) < len(self.steps) else []
        return ["Cách làm như sau.", *said, *more] if said else []


def _mentions_code(sentence: str, guide: GuideInProvince) -> bool:
    return bool(guide.procedure_code) and guide.procedure_code in sentence


def _clause(text: str) -> str:
    """Opening hours as part of a sentence: 'Thứ Hai – Thứ Sáu: 7:00–11:30' -> '… Thứ Sáu, 7:00–11:30'."""
    return re.sub(r"\s*:\s+", ", ", text)


def _fee_of(channel: ChannelOption) -> str:
    return f"{CHANNEL_PHRASES[channel.channel]}: {channel.fee} đồng."


# --- The script -----------------------------------------------------------------------------


def script_for(job: ScriptJob, config: SiteConfig) -> Script:
    """The loudspeaker script of a job, fitted to its set length at the campaign's reading speed;
    ScriptError naming the guide if it cannot be."""
    guide = job.item.guide
    named = f"{job.path}: the loudspeaker script of guide {guide.slug!r} ({guide.title})"
    named += f" for {job.commune.name}" if job.commune else ""
    try:
        composer = _Composer(job, config)
    except ValueError as exc:  # something spoken() cannot read, such as a web address with odd characters
        raise ScriptError(f"{named}: {exc}") from None
    speed = config.campaign.reading_speed
    budget = job.seconds * speed / 60  # syllables

    def size() -> int:
        return syllables("\n".join(composer.paragraphs()))

    if size() > budget:
        raise ScriptError(
            f"{named} cannot fit {job.seconds} s: even its shortest form takes {size() * 60 / speed:.0f} s at "
            f"{speed} syllables a minute; raise campaign.reading_speed or campaign.script_seconds in "
            "site_config.yml, or shorten the guide's title or the help details"
        )
    for part, version in composer.upgrades():
        current = composer.parts[part]
        if version >= current.choice or not composer.allowed(part, version):
            continue
        previous, current.choice = current.choice, version
        if size() > budget:
            current.choice = previous
    script = _script(job, config, tuple(composer.paragraphs()))
    if script.seconds < MIN_SHARE * job.seconds:
        raise ScriptError(
            f"{named} takes only {script.seconds:.0f} s of the {job.seconds} s set, even with everything the "
            "guide says; add to the guide, or set a shorter campaign.script_seconds"
        )
    _check_readable(script, named, config)
    return script


def _script(job: ScriptJob, config: SiteConfig, texts: tuple[str, ...]) -> Script:
    province = job.province
    place = f"{province.kind} {province.name}"
    return Script(
        title=f"{job.label}: {job.item.guide.title}",
        place=f"{job.commune.name}, {place}" if job.commune else place[:1].upper() + place[1:],
        paragraphs=texts,
        reading_speed=config.campaign.reading_speed,
        length=job.seconds,
        reviewed=min(job.item.guide.last_reviewed, province.last_reviewed),
        link=job.item.qr.display,
        hotline=province.hotlines[0],
    )


def _check_readable(script: Script, named: str, config: SiteConfig) -> None:
    """Nothing the announcer would have to work out live: digits, abbreviations, web addresses."""
    problems = [f"digits {m!r}" for m in re.findall(r"\S*\d\S*", script.text)]
    problems += [f"abbreviation {a!r}" for a in leftover_abbreviations(script.text, config.search.all_abbreviations)]
    problems += [f"web address {m!r}" for m in re.findall(r"\b[a-z0-9-]+\.[a-z]{2,}\b", script.text)]
    if problems:
        raise ScriptError(f"{named} would leave unread forms: " + ", ".join(problems))


def script_txt(job: ScriptJob, script: Script, config: SiteConfig) -> bytes:
    """The script as UTF-8 plain text for the announcer: the facts about it, then what to read."""
    header = [
        script.title,
        f"Nơi phát: {script.place}",
        script.duration,
        f"Thông tin kiểm tra ngày {format_date(script.reviewed)}",
        f"Để tham khảo, không đọc: đường dẫn {script.link}; {script.hotline.name}: {script.hotline.number}",
    ]
    if config.sample_content:
        header.append("Nội dung mẫu: số điện thoại, địa chỉ chỉ là ví dụ.")
    text = "\n".join([*header, "", "———", "", script.text, ""])
    return unicodedata.normalize("NFC", text).encode("utf-8")


def script_pdf(job: ScriptJob, script: Script, printer: PrintRenderer) -> bytes:
    """The script as an A4 PDF for reading aloud: large type, a pause mark between paragraphs."""
    return printer.document_pdf(
        "script-a4.html.j2",
        f"{job.path}.pdf",
        title=script.title,
        script=script,
        paragraphs=[_unbroken(paragraph) for paragraph in script.paragraphs],
        reviewed=format_date(script.reviewed),
        sample=printer.config.sample_content,
    )


def _unbroken(paragraph: str) -> Markup:
    """A paragraph whose hyphenated words ('en-nờ', 'Vê-en-ây-đi') never break across lines: an
    announcer would read the two halves as two words."""
    return Markup(re.sub(r"\w+(?:-\w+)+", r'<span class="word">\g<0></span>', str(escape(paragraph))))
