"""The zip of a province's campaign kit, for handing over to communes on a USB stick or by Zalo.

Reproducible: entries in a fixed order with the build's date, no extra fields, so the same
files make the same zip. Files that are compressed already (PDF, PNG, MP3, MP4) are stored as
they are; text is deflated.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from ..models import SiteConfig
from ..plan import KIT_PAGE, SitePlan

ABOUT_NAME = "DOC-TRUOC.txt"  # "read first", at the top of the zip
_STORED = (".pdf", ".png", ".jpg", ".mp3", ".mp4", ".zip")


def zip_bytes(files: list[tuple[str, bytes]], about: str, epoch: int) -> bytes:
    """A zip of (name, data) pairs, the about text first."""
    stamp = dt.datetime.fromtimestamp(max(epoch, 315_532_800), dt.UTC)  # zip dates start in 1980
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in [(ABOUT_NAME, about.encode("utf-8")), *sorted(files)]:
            info = zipfile.ZipInfo(name, stamp.timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED if name.endswith(_STORED) else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data, compresslevel=9)
    return buffer.getvalue()


def about_text(site_plan: SitePlan, config: SiteConfig) -> str:
    """What the zip holds, in Vietnamese, for the commune staff who open it."""
    province = site_plan.province
    assert province is not None
    page = f"{config.base}/{province.slug}/{KIT_PAGE.removesuffix('.md')}/"
    lines = [
        f"BỘ TÀI LIỆU TRUYỀN THÔNG – {province.kind.upper()} {province.name.upper()}",
        f"{config.site_name}",
        "",
        "Các thư mục:",
        "- in/: tờ rơi, áp phích và hướng dẫn đầy đủ để in (PDF); in/<xã, phường>/: bản riêng của xã, phường",
        "- anh/: ảnh các bước để đăng Zalo, Facebook (PNG) và bản in A4, A3 (PDF)",
        "- truyen-thong/<hướng dẫn>/: bài đọc loa (TXT, PDF, MP3 đọc thử), bài đăng Zalo và Facebook (TXT),",
        "  video các bước (MP4) kèm phụ đề (VTT); truyen-thong/<hướng dẫn>/<xã, phường>/: bài đọc loa riêng của xã",
        "- truyen-thong/trac-nghiem-a4.pdf: phiếu trắc nghiệm và đáp án (trang cuối) để tổ chức cuộc thi",
        "",
        f"Bản mới nhất và xem trước từng tài liệu: {page}",
        "Thông tin trong tài liệu có ngày kiểm tra riêng; hãy dùng bản mới nhất trên trang.",
        "",
    ]
    return "\n".join(lines)
