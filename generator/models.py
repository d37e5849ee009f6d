"""Typed content model: the one source of truth for what content files may say.

Field descriptions are in Vietnamese because authors read them as editor hints
(through the exported JSON Schema).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    HttpUrl,
    StringConstraints,
    field_validator,
    model_validator,
)

from .text import SLUG_PATTERN
from .urls import outbound_problem

Slug = Annotated[
    str,
    StringConstraints(pattern=SLUG_PATTERN, max_length=80),
    Field(description="Chỉ gồm chữ thường không dấu, số và dấu gạch ngang, ví dụ: dang-ky-khai-sinh"),
]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Markdown = Annotated[str, StringConstraints(min_length=1), Field(description="Văn bản Markdown")]
Phone = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9][0-9 .]{2,18}[0-9]$"),
    Field(description="Số điện thoại, ví dụ: 1800 1096 hoặc 0270 3822 000"),
]


def _vnd_amount(value: object) -> object:
    """Fees as Vietnamese write them: 20000, 20.000 or 20 000 đồng. A decimal point is never meant."""
    if isinstance(value, str):
        text = value.strip().removesuffix("đồng").removesuffix("đ").strip()
        if re.fullmatch(r"\d{1,3}(?:[. ]\d{3})+|\d+", text):
            return int(re.sub(r"[. ]", "", text))
        raise ValueError(f"write the amount in đồng as a whole number, e.g. 20000 or 20.000 (got {value!r})")
    return value


Vnd = Annotated[int, BeforeValidator(_vnd_amount), Field(ge=0)]
SHORT_CODE_MAX = 6  # a short-link code and its closing slash: serials up to 31^4, 923,521 codes
QR_V4_M_BYTES = 62  # what a version-4 QR code holds at error correction M, in byte mode
Channel = Literal["trực tuyến", "trực tiếp", "bưu chính"]
ServiceLevel = Literal["toàn trình", "một phần"]


class Model(BaseModel):
    # A typo in a field name is an error, not silently ignored data.
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- Province -------------------------------------------------------------------------


class Hotline(Model):
    name: Text = Field(description="Tên đường dây, ví dụ: Đường dây nóng Trung tâm Phục vụ hành chính công tỉnh")
    number: Phone
    hours: Text | None = Field(None, description="Giờ trực, nếu có")


class ServiceCentre(Model):
    name: Text = Field(description="Ví dụ: Trung tâm Phục vụ hành chính công phường Trấn Biên")
    address: Text
    hours: Text = Field(description="Giờ làm việc, ví dụ: Thứ Hai – Thứ Sáu: 7:00–11:30, 13:30–17:00")
    phone: Phone | None = None


class DutyShift(Model):
    days: Text = Field(description="Ngày trực, ví dụ: Thứ Bảy, Chủ nhật")
    hours: Text = Field(description="Giờ trực, ví dụ: 7:30–11:00")
    place: Text | None = Field(None, description="Nơi trực, nếu khác trung tâm phục vụ hành chính công")


class VolunteerTeam(Model):
    name: Text = Field(description="Ví dụ: Đội thanh niên xung kích hỗ trợ dịch vụ công phường Trấn Biên")
    contact: Text = Field(description="Người phụ trách")
    phone: Phone
    schedule: list[DutyShift] = Field(min_length=1, description="Lịch trực")


class Commune(Model):
    slug: Slug
    name: Text = Field(description="Tên đầy đủ, ví dụ: Phường Trấn Biên")
    kind: Literal["xã", "phường", "đặc khu"]
    formed_from: list[Text] = Field(default_factory=list, description="Các xã, phường cũ hợp thành (từ 1/7/2025)")
    service_centre: ServiceCentre
    volunteer_team: VolunteerTeam | None = None
    print_guides: list[Slug] = Field(
        default_factory=list,
        description="In tờ rơi và áp phích riêng cho xã/phường này (địa chỉ, lịch trực và mã QR riêng) "
        "với các hướng dẫn này",
    )


class FormerProvince(Model):
    slug: Slug
    name: Text = Field(description="Tên tỉnh cũ, ví dụ: Bến Tre")
    legacy_portal_url: HttpUrl | None = Field(
        None,
        description="Địa chỉ cổng dịch vụ công cũ; chỉ lưu lại, không bao giờ hiển thị như liên kết đang hoạt động",
    )


class Portal(Model):
    name: Text
    url: HttpUrl
    note: Text | None = None


class Province(Model):
    slug: Slug
    name: Text = Field(description="Tên tỉnh/thành phố, ví dụ: Vĩnh Long")
    kind: Literal["tỉnh", "thành phố"]
    merged_on: dt.date | None = Field(None, description="Ngày hợp nhất, ví dụ: 2025-07-01")
    former: list[FormerProvince] = Field(default_factory=list, description="Tỉnh cũ đã hợp nhất vào tỉnh này")
    legacy_portal_url: HttpUrl | None = Field(None, description="Cổng dịch vụ công cũ của tỉnh (chỉ lưu lại)")
    portals: list[Portal] = Field(min_length=1, description="Nơi người dân nộp hồ sơ trực tuyến hiện nay")
    hotlines: list[Hotline] = Field(min_length=1)
    service_centre: ServiceCentre = Field(description="Trung tâm Phục vụ hành chính công tỉnh")
    communes: list[Commune] = Field(default_factory=list)
    featured_guides: list[Slug] = Field(
        default_factory=list, description="Hướng dẫn dùng nhiều nhất, hiện trên trang chủ"
    )
    last_reviewed: dt.date = Field(description="Ngày kiểm tra thông tin gần nhất")
    source_url: HttpUrl | None = Field(None, description="Nguồn của thông tin về tỉnh")

    @field_validator("communes")
    @classmethod
    def _unique_communes(cls, communes: list[Commune]) -> list[Commune]:
        _reject_duplicates([c.slug for c in communes], "commune slug")
        return communes


# --- Guide ----------------------------------------------------------------------------


class Document(Model):
    name: Text = Field(description="Tên giấy tờ, ví dụ: Tờ khai thay đổi thông tin cư trú (mẫu CT01)")
    kind: Literal["bản chính", "bản sao", "bản chính hoặc bản sao", "bản điện tử"] = "bản chính"
    quantity: int = Field(1, ge=1, le=20)
    note: Text | None = None
    optional: bool = Field(False, description="true nếu chỉ cần trong một số trường hợp")


class ChannelOption(Model):
    channel: Channel = Field(description="Cách thức thực hiện: trực tuyến, trực tiếp hoặc bưu chính")
    fee: Vnd | None = Field(
        description="Phí, lệ phí (đồng), ví dụ 20000 hoặc 20.000; 0 là miễn phí; để trống nếu chưa có con số "
        "(giải thích ở fee_note)"
    )
    fee_note: Text | None = None
    processing_time: Text = Field(description="Thời hạn giải quyết, ví dụ: 7 ngày làm việc")


class Step(Model):
    title: Text = Field(max_length=120)
    body: Markdown = Field(description="Hướng dẫn chi tiết (Markdown)")
    image: Image | None = None
    tip: Markdown | None = Field(None, description="Mẹo nhỏ, hiện trong khung xanh (Markdown)")
    warning: Markdown | None = Field(None, description="Lưu ý quan trọng, hiện trong khung cam (Markdown)")


class Image(Model):
    src: Annotated[str, StringConstraints(pattern=r"^images/[A-Za-z0-9._/-]+\.(png|jpg|jpeg|webp|svg)$")] = Field(
        description="Đường dẫn ảnh trong thư mục content/images, ví dụ: images/vneid-quet-ma.png"
    )
    alt: Text = Field(description="Mô tả ảnh cho người dùng trình đọc màn hình")


class FaqEntry(Model):
    id: Slug = Field(description="Mã câu hỏi, dùng làm neo liên kết")
    question: Text
    answer: Markdown
    tags: list[Text] = Field(default_factory=list)
    related_guides: list[Slug] = Field(default_factory=list)
    provinces: list[Slug] | None = Field(
        None, min_length=1, description="Chỉ hiện ở các tỉnh này; bỏ trường này để hiện ở tất cả"
    )


class LegalBasis(Model):
    title: Text = Field(description="Ví dụ: Nghị định 63/2024/NĐ-CP")
    url: HttpUrl | None = None


class ProvinceOverride(Model):
    channels: list[ChannelOption] | None = Field(None, description="Phí và thời hạn riêng của tỉnh")
    office: Text | None = Field(None, description="Cơ quan thực hiện ở tỉnh này")
    online_url: HttpUrl | None = None
    note: Text | None = Field(None, description="Lưu ý riêng của tỉnh, hiện đầu trang hướng dẫn")


class Guide(Model):
    slug: Slug
    former_slugs: list[Slug] = Field(
        default_factory=list,
        description="Mã (slug) cũ của hướng dẫn khi đã đổi tên, để mã QR đã in vẫn dẫn đúng trang",
    )
    title: Text = Field(max_length=120)
    summary: Text = Field(max_length=600, description="Một đoạn giới thiệu bằng lời lẽ đơn giản")
    procedure_code: Annotated[str, StringConstraints(pattern=r"^\d\.\d{6}$")] | None = Field(
        None, description="Mã thủ tục trên Cơ sở dữ liệu quốc gia về TTHC, ví dụ: 1.004222"
    )
    field: Text = Field(description="Lĩnh vực, ví dụ: Hộ tịch, Cư trú")
    service_level: ServiceLevel = Field(description="Mức độ dịch vụ công: toàn trình hoặc một phần")
    audience: Text = Field(description="Đối tượng thực hiện")
    keywords: list[Text] = Field(default_factory=list, description="Từ khóa, từ viết tắt người dân hay dùng")
    office: Text = Field(description="Cơ quan thực hiện")
    online_url: HttpUrl = Field(description="Địa chỉ nộp hồ sơ trực tuyến (nút lớn trên trang)")
    online_label: Text = "Nộp hồ sơ trực tuyến"
    documents: list[Document] = Field(default_factory=list, description="Thành phần hồ sơ")
    channels: list[ChannelOption] = Field(min_length=1, description="Phí, lệ phí và thời hạn theo cách thức")
    result: Text = Field(description="Kết quả thực hiện")
    result_delivery: Text = Field(description="Cách nhận kết quả")
    steps: list[Step] = Field(min_length=1, description="Các bước thực hiện, theo thứ tự")
    faqs: list[FaqEntry] = Field(default_factory=list)
    legal_basis: list[LegalBasis] = Field(default_factory=list, description="Căn cứ pháp lý")
    last_reviewed: dt.date = Field(description="Ngày kiểm tra thông tin gần nhất")
    source_url: HttpUrl = Field(description="Nguồn của thông tin")
    provinces: list[Slug] | None = Field(
        None, min_length=1, description="Chỉ áp dụng cho các tỉnh này; bỏ trường này để áp dụng cho tất cả"
    )
    overrides: dict[Slug, ProvinceOverride] = Field(default_factory=dict, description="Thông tin riêng theo tỉnh")

    @field_validator("channels")
    @classmethod
    def _one_row_per_channel(cls, channels: list[ChannelOption]) -> list[ChannelOption]:
        _reject_duplicates([c.channel for c in channels], "channel")
        return channels

    @field_validator("faqs")
    @classmethod
    def _unique_faq_ids(cls, faqs: list[FaqEntry]) -> list[FaqEntry]:
        _reject_duplicates([f.id for f in faqs], "FAQ id")
        return faqs


class FaqGroup(Model):
    slug: Slug
    title: Text = Field(description="Tên nhóm câu hỏi")
    order: int = Field(100, description="Thứ tự hiển thị, số nhỏ đứng trước")
    entries: list[FaqEntry] = Field(min_length=1)

    @field_validator("entries")
    @classmethod
    def _unique_ids(cls, entries: list[FaqEntry]) -> list[FaqEntry]:
        _reject_duplicates([e.id for e in entries], "FAQ id")
        return entries


# --- Quiz (trắc nghiệm) -------------------------------------------------------------------


class QuizOption(Model):
    text: Text = Field(max_length=200, description="Một phương án trả lời")
    right: bool = Field(False, description="true cho phương án đúng (đúng một phương án)")


class QuizQuestion(Model):
    id: Slug = Field(description="Mã câu hỏi, không trùng trong mọi bộ câu hỏi, ví dụ: dang-nhap-bang-gi")
    question: Text = Field(max_length=300)
    options: list[QuizOption] = Field(min_length=2, max_length=4, description="Từ 2 đến 4 phương án")
    explanation: Text = Field(max_length=400, description="Giải thích ngắn vì sao phương án đó đúng")
    guide: Slug = Field(description="Hướng dẫn có câu trả lời; câu hỏi hiện ở các tỉnh có hướng dẫn này")

    @model_validator(mode="after")
    def _exactly_one_right(self) -> QuizQuestion:
        right = [n for n, option in enumerate(self.options, start=1) if option.right]
        if not right:
            raise ValueError(f"question {self.id!r} has no right answer: mark exactly one option with right: true")
        if len(right) > 1:
            numbers = " and ".join(", ".join(map(str, right)).rsplit(", ", 1))
            raise ValueError(
                f"question {self.id!r} has {len(right)} right answers (options {numbers}): "
                "mark exactly one option with right: true"
            )
        return self

    @property
    def answer(self) -> int:
        """The right option's index, from 0."""
        return next(n for n, option in enumerate(self.options) if option.right)


class QuizBank(Model):
    slug: Slug
    title: Text = Field(description="Tên bộ câu hỏi, ví dụ: Hiểu biết về dịch vụ công trực tuyến")
    order: int = Field(100, description="Thứ tự trong bài trắc nghiệm, số nhỏ đứng trước")
    questions: list[QuizQuestion] = Field(min_length=1)


# --- Site configuration ---------------------------------------------------------------


class ThemeColours(Model):
    primary: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")] = "#0b4f9c"
    accent: Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$")] = "#c62828"


# Abbreviations people type in the search box, with what they stand for. Editors add more in
# site_config.yml (search.abbreviations); a guide whose text holds the expansion is found by both.
DEFAULT_ABBREVIATIONS = {
    "CCCD": "căn cước công dân",
    "CMND": "chứng minh nhân dân",
    "GPLX": "giấy phép lái xe",
    "BHYT": "bảo hiểm y tế",
    "BHXH": "bảo hiểm xã hội",
    "DVC": "dịch vụ công",
    "DVCQG": "dịch vụ công quốc gia",
    "LLTP": "lý lịch tư pháp",
    "HKD": "hộ kinh doanh",
    "CSGT": "cảnh sát giao thông",
    "MST": "mã số thuế",
    "TTHC": "thủ tục hành chính",
    "UBND": "ủy ban nhân dân",
}


class SearchSettings(Model):
    abbreviations: dict[str, Text] = Field(
        default_factory=dict,
        description="Từ viết tắt người dân hay gõ, thêm vào danh sách có sẵn, ví dụ TNXK: thanh niên xung kích",
    )
    best_bets: dict[str, Slug] = Field(
        default_factory=dict,
        description="Từ khóa và hướng dẫn luôn hiện đầu tiên cho từ khóa đó, ví dụ CCCD: tai-khoan-dinh-danh-muc-2",
    )

    @property
    def all_abbreviations(self) -> dict[str, str]:
        return DEFAULT_ABBREVIATIONS | self.abbreviations


class CampaignSettings(Model):
    """The campaign kit: loudspeaker scripts, posts and videos (see docs/authoring guide)."""

    hashtags: list[Annotated[str, StringConstraints(pattern=r"^#[^\s#]{2,40}$")]] = Field(
        default_factory=lambda: ["#DichVuCongTrucTuyen", "#VNeID"],
        max_length=6,
        description="Hashtag gắn cuối bài đăng Zalo, Facebook, ví dụ: #DichVuCongTrucTuyen",
    )
    reading_speed: int = Field(
        160,
        ge=100,
        le=240,
        description="Tốc độ đọc loa truyền thanh, số tiếng (âm tiết) mỗi phút; "
        "đọc chậm, rõ cho người cao tuổi: 150–170",
    )
    script_seconds: list[Annotated[int, Field(ge=30, le=300)]] = Field(
        default_factory=lambda: [60, 120],
        min_length=1,
        max_length=3,
        description="Độ dài các bài đọc loa, tính bằng giây, ví dụ [60, 120]",
    )
    audio: bool = Field(True, description="Tạo bản đọc thử bằng giọng máy (MP3) cho bài đọc loa và video")


class SiteConfig(Model):
    site_name: Text
    base_url: HttpUrl = Field(description="Địa chỉ gốc của trang, ví dụ: https://huongdan.example.vn")
    language: Literal["vi"] = "vi"
    default_province: Slug
    allowed_domains: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$")]] = Field(
        min_length=1, description="Tên miền được phép liên kết ra ngoài (khớp cả tên miền con)"
    )
    source_domains: list[Annotated[str, StringConstraints(pattern=r"^[a-z0-9.-]+\.[a-z]{2,}$")]] = Field(
        default_factory=list,
        description="Tên miền được phép làm nguồn trích dẫn (source_url), ví dụ báo chí: vnexpress.net",
    )
    national_hotline: Hotline | None = None
    theme: ThemeColours = ThemeColours()
    search: SearchSettings = SearchSettings()
    sample_content: bool = Field(False, description="true: hiện thông báo đây là nội dung mẫu")
    print_batch: Text = Field(
        description="Tên đợt in tài liệu, ghi cùng mỗi mã QR mới, ví dụ: Đợt 1 – tháng 11/2026", max_length=40
    )
    campaign: CampaignSettings = CampaignSettings()

    @field_validator("base_url")
    @classmethod
    def _base_url_fits_a_printed_qr_code(cls, url: HttpUrl) -> HttpUrl:
        if url.query or url.fragment:
            raise ValueError("base_url must not have a query or fragment")
        # Every QR code carries this address: the same rules as any link put in front of citizens.
        problem = outbound_problem(str(url), [url.host or ""], "its own host")
        if problem:
            raise ValueError(problem)
        longest = len(f"{str(url).rstrip('/')}/q/") + SHORT_CODE_MAX
        if longest > QR_V4_M_BYTES:
            raise ValueError(
                f"base_url is too long for printed QR codes: short links would take {longest} characters, "
                f"and a QR code that scans reliably from paper (version 4, level M) holds {QR_V4_M_BYTES}"
            )
        return url

    @property
    def base(self) -> str:
        return str(self.base_url).rstrip("/")


# --- Short-link registry --------------------------------------------------------------


class ShortLink(Model):
    code: Annotated[str, StringConstraints(pattern=r"^[0-9a-hjkmnp-tv-z]{4,8}$")] = Field(
        description="Mã in dưới mã QR; do lệnh build cấp"
    )
    guide: Slug
    province: Slug
    commune: Slug | None = None
    batch: Text = Field(description="Đợt in đã cấp mã")
    retired: Text | None = Field(
        None,
        description="Lý do hướng dẫn không còn áp dụng ở tỉnh này (ví dụ: thủ tục đã bãi bỏ). "
        "Mã vẫn hoạt động: dẫn về danh sách hướng dẫn của tỉnh, kèm lý do",
    )


class ShortLinkRegistry(Model):
    issued: int = Field(0, ge=0, description="Số mã đã cấp; do lệnh build ghi")
    links: list[ShortLink] = Field(default_factory=list)


def _reject_duplicates(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise ValueError(f"duplicate {what} {value!r}")
        seen.add(value)


Step.model_rebuild()

MODELS_BY_KIND: dict[str, type[Model]] = {"provinces": Province, "guides": Guide, "faqs": FaqGroup, "quiz": QuizBank}
