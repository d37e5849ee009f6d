"""Ready-to-post texts for Zalo and Facebook: one guide in one province, in a few friendly lines.

A post says what the service is, its steps, the fee and time, the short link of the guide, the
province's hotline and the campaign's hashtags. When it runs past its platform's limit, detail is
dropped (the summary but its first sentence, steps past the third, the hotline's name,
then that sentence) until it fits; it never runs over.
"""

from __future__ import annotations

import re
import unicodedata

from ..models import SiteConfig
from ..plan import PostJob
from ..text import format_vnd

# Practical limits, counted as JavaScript and the platforms' text boxes count (post_length):
LIMITS = {
    # Zalo: posts are pasted as chat messages into commune and village groups and read on cheap
    # phones; past about 1,000 characters a message fills several screens and folds behind "Xem thêm".
    "zalo": 1000,
    # Facebook takes 63,206 characters, but folds a post behind "Xem thêm" after its first lines
    # (about 125 characters on a phone), so the hook and the short link come first; past about
    # 1,500 characters few people read to the end.
    "facebook": 1500,
}
# From the richest version to the leanest: (summary, step lines, hotline's name). Steps: at most
# 5 and at least 3 (fewer only when the guide has fewer); the summary's first sentence goes last.
VERSIONS = (
    ("full", 5, True),
    ("first", 5, True),
    ("first", 3, True),
    ("first", 3, False),
    ("none", 3, False),
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class PostError(Exception):
    """A post that cannot fit its platform's limit even with every optional detail left out."""


def post_length(text: str) -> int:
    """Characters as JavaScript and the platforms count them: UTF-16 code units (an emoji is two)."""
    return len(text.encode("utf-16-le")) // 2


def post_text(job: PostJob, config: SiteConfig) -> str:
    """The post, as long as its platform allows: the richest version that fits, NFC, no trailing newline."""
    limit = LIMITS[job.platform]
    for summary, steps, hotline_name in VERSIONS:
        text = unicodedata.normalize("NFC", _compose(job, config, summary, steps, hotline_name))
        if post_length(text) <= limit:
            return text
    raise PostError(
        f"{job.path}: the {job.platform} post is {post_length(text)} characters even at its shortest "
        f"(at most {limit}): shorten the guide's title or step titles, or the hashtags in site_config.yml"
    )


def _compose(job: PostJob, config: SiteConfig, summary: str, steps: int, hotline_name: bool) -> str:
    guide, url = job.item.guide, job.item.qr.url
    province = guide.province
    if guide.service_level == "toàn trình":
        hook = f"📢 {guide.title}: làm ngay trên điện thoại, không phải xếp hàng."
    else:
        hook = f"📢 {guide.title}: hướng dẫn từng bước, dễ làm theo."
    link = f"👉 Xem hướng dẫn đầy đủ: {url}"
    about = {"full": guide.summary, "first": first_sentence(guide.summary), "none": ""}[summary]

    shown = guide.steps[:steps]
    step_lines = ["Các bước:", *(f"{n}. {step.title}" for n, step in enumerate(shown, start=1))]
    if len(guide.steps) > len(shown):
        step_lines.append(f"(Xem đủ {len(guide.steps)} bước trong hướng dẫn.)")

    channel = next((c for c in guide.channels if c.channel == "trực tuyến"), guide.channels[0])
    note = first_sentence(channel.fee_note) if channel.fee_note else ""
    if channel.fee is None:
        fee = note or "xem trên Cổng khi nộp"
    else:
        fee = format_vnd(channel.fee) + (f" ({note.rstrip('.')})" if note else "")
    facts = [f"💰 Phí, lệ phí ({channel.channel}): {fee}", f"⏱️ Thời hạn: {channel.processing_time}"]

    hotline = province.hotlines[0]
    called = f"{hotline.name}: {hotline.number}" if hotline_name else hotline.number
    help_line = f"☎️ Cần hỏi thêm, gọi {called}"
    tags = " ".join(config.campaign.hashtags)

    if job.platform == "facebook":  # what shows before "Xem thêm": the hook, then the link
        blocks = [f"{hook}\n{link}", about, "\n".join(step_lines), "\n".join(facts), help_line, tags]
    else:
        blocks = [hook, about, "\n".join(step_lines), "\n".join(facts), f"{link}\n{help_line}", tags]
    return "\n\n".join(block for block in blocks if block)


def first_sentence(text: str) -> str:
    """Up to the first full stop, question or exclamation mark followed by a space (not 10.000)."""
    return _SENTENCE_END.split(text.strip(), maxsplit=1)[0]
