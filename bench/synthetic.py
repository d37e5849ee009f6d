"""Synthetic content of any size for benchmarks: valid, deterministic, realistic Vietnamese.

    python bench/synthetic.py --provinces 34 --guides 100 --communes 5 --faqs 20 --out DIR

writes DIR/site_config.yml and DIR/content/{provinces,guides,faqs,images}/ that pass
`python -m generator check`. The same arguments and seed always give the same bytes.
Names of provinces follow the 2025 reorganisation; people, phone numbers, addresses
and communes are invented.
"""

from __future__ import annotations

import argparse
import random
import shutil
import struct
import sys
import unicodedata
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SEED = 20250701
MARKER = ".synthetic"  # dot files in content/ are ignored by the loader; this one says "ours to replace"
NATIONAL_PORTAL = "https://dichvucong.gov.vn/"
IMAGES = ("images/dang-nhap-vneid.png", "images/quet-ma-qr.png", "images/tai-len-giay-to.png")

# --- Fixed vocabulary ------------------------------------------------------------------

# The 34 provincial units from 1 July 2025 (Resolution 202/2025/QH15) and the former
# provinces merged into each (the one whose name was kept is not listed again).
PROVINCES: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("Hà Nội", "thành phố", ()),
    ("Huế", "thành phố", ()),
    ("Lai Châu", "tỉnh", ()),
    ("Điện Biên", "tỉnh", ()),
    ("Sơn La", "tỉnh", ()),
    ("Lạng Sơn", "tỉnh", ()),
    ("Quảng Ninh", "tỉnh", ()),
    ("Thanh Hóa", "tỉnh", ()),
    ("Nghệ An", "tỉnh", ()),
    ("Hà Tĩnh", "tỉnh", ()),
    ("Cao Bằng", "tỉnh", ()),
    ("Tuyên Quang", "tỉnh", ("Hà Giang",)),
    ("Lào Cai", "tỉnh", ("Yên Bái",)),
    ("Thái Nguyên", "tỉnh", ("Bắc Kạn",)),
    ("Phú Thọ", "tỉnh", ("Vĩnh Phúc", "Hòa Bình")),
    ("Bắc Ninh", "tỉnh", ("Bắc Giang",)),
    ("Hưng Yên", "tỉnh", ("Thái Bình",)),
    ("Hải Phòng", "thành phố", ("Hải Dương",)),
    ("Ninh Bình", "tỉnh", ("Hà Nam", "Nam Định")),
    ("Quảng Trị", "tỉnh", ("Quảng Bình",)),
    ("Đà Nẵng", "thành phố", ("Quảng Nam",)),
    ("Quảng Ngãi", "tỉnh", ("Kon Tum",)),
    ("Gia Lai", "tỉnh", ("Bình Định",)),
    ("Khánh Hòa", "tỉnh", ("Ninh Thuận",)),
    ("Lâm Đồng", "tỉnh", ("Đắk Nông", "Bình Thuận")),
    ("Đắk Lắk", "tỉnh", ("Phú Yên",)),
    ("Hồ Chí Minh", "thành phố", ("Bà Rịa – Vũng Tàu", "Bình Dương")),
    ("Đồng Nai", "tỉnh", ("Bình Phước",)),
    ("Tây Ninh", "tỉnh", ("Long An",)),
    ("Cần Thơ", "thành phố", ("Sóc Trăng", "Hậu Giang")),
    ("Vĩnh Long", "tỉnh", ("Bến Tre", "Trà Vinh")),
    ("Đồng Tháp", "tỉnh", ("Tiền Giang",)),
    ("Cà Mau", "tỉnh", ("Bạc Liêu",)),
    ("An Giang", "tỉnh", ("Kiên Giang",)),
)


@dataclass(frozen=True)
class Procedure:
    """A base procedure from which guide variants are made."""

    title: str
    short: str  # what a citizen types into the portal's search box
    field: str
    office: str
    audience: str
    result: str
    documents: tuple[str, ...]
    fees: tuple[int | None, int | None]  # online, in person; None = set by the province
    days: int


PROCEDURES: tuple[Procedure, ...] = (
    Procedure(
        "Đăng ký khai sinh",
        "khai sinh",
        "Hộ tịch",
        "UBND xã, phường nơi cư trú",
        "Cha hoặc mẹ của trẻ",
        "Giấy khai sinh điện tử",
        ("Giấy chứng sinh", "Tờ khai đăng ký khai sinh"),
        (0, 0),
        1,
    ),
    Procedure(
        "Liên thông khai sinh, thường trú, thẻ BHYT cho trẻ dưới 6 tuổi",
        "liên thông khai sinh",
        "Hộ tịch",
        "UBND xã, Công an xã và Bảo hiểm xã hội",
        "Cha, mẹ hoặc người giám hộ của trẻ dưới 6 tuổi",
        "Giấy khai sinh, thông tin thường trú và thẻ bảo hiểm y tế của trẻ",
        ("Giấy chứng sinh", "Giấy tờ chứng minh chỗ ở hợp pháp"),
        (0, 0),
        3,
    ),
    Procedure(
        "Đăng ký kết hôn",
        "kết hôn",
        "Hộ tịch",
        "UBND xã, phường nơi cư trú của một trong hai bên",
        "Nam, nữ đủ điều kiện kết hôn",
        "Giấy chứng nhận kết hôn",
        ("Tờ khai đăng ký kết hôn", "Giấy xác nhận tình trạng hôn nhân"),
        (0, 0),
        1,
    ),
    Procedure(
        "Đăng ký khai tử",
        "khai tử",
        "Hộ tịch",
        "UBND xã, phường nơi người chết cư trú cuối cùng",
        "Người thân của người đã mất",
        "Trích lục khai tử",
        ("Giấy báo tử hoặc giấy tờ thay giấy báo tử", "Tờ khai đăng ký khai tử"),
        (0, 0),
        1,
    ),
    Procedure(
        "Cấp bản sao trích lục hộ tịch",
        "trích lục hộ tịch",
        "Hộ tịch",
        "UBND xã, phường đã đăng ký hộ tịch",
        "Người có yêu cầu",
        "Bản sao trích lục hộ tịch",
        ("Tờ khai cấp bản sao trích lục",),
        (8000, 8000),
        1,
    ),
    Procedure(
        "Xác nhận tình trạng hôn nhân",
        "tình trạng hôn nhân",
        "Hộ tịch",
        "UBND xã, phường nơi cư trú",
        "Công dân cần giấy xác nhận",
        "Giấy xác nhận tình trạng hôn nhân",
        ("Tờ khai cấp giấy xác nhận tình trạng hôn nhân",),
        (0, 0),
        3,
    ),
    Procedure(
        "Đăng ký thường trú",
        "thường trú",
        "Cư trú",
        "Công an xã, phường nơi cư trú",
        "Công dân chuyển đến chỗ ở mới",
        "Thông tin thường trú được cập nhật vào Cơ sở dữ liệu về cư trú",
        ("Tờ khai thay đổi thông tin cư trú (mẫu CT01)", "Giấy tờ chứng minh chỗ ở hợp pháp"),
        (10000, 20000),
        7,
    ),
    Procedure(
        "Đăng ký tạm trú",
        "tạm trú",
        "Cư trú",
        "Công an xã, phường nơi tạm trú",
        "Người đến ở nơi mới từ 30 ngày trở lên",
        "Thông tin tạm trú được cập nhật",
        ("Tờ khai thay đổi thông tin cư trú (mẫu CT01)", "Hợp đồng thuê nhà"),
        (7000, 15000),
        3,
    ),
    Procedure(
        "Khai báo tạm vắng",
        "tạm vắng",
        "Cư trú",
        "Công an xã, phường nơi cư trú",
        "Người đi khỏi nơi cư trú từ 12 tháng trở lên",
        "Thông tin tạm vắng được cập nhật",
        ("Đề nghị khai báo tạm vắng",),
        (0, 0),
        1,
    ),
    Procedure(
        "Xóa đăng ký thường trú",
        "xóa thường trú",
        "Cư trú",
        "Công an xã, phường nơi thường trú",
        "Người thân hoặc chủ hộ",
        "Thông tin thường trú được xóa",
        ("Tờ khai thay đổi thông tin cư trú",),
        (0, 0),
        1,
    ),
    Procedure(
        "Cấp phiếu lý lịch tư pháp",
        "lý lịch tư pháp",
        "Lý lịch tư pháp",
        "Công an tỉnh",
        "Công dân cần chứng minh không có án tích",
        "Phiếu lý lịch tư pháp điện tử",
        ("Tờ khai yêu cầu cấp phiếu lý lịch tư pháp", "Căn cước"),
        (200000, 200000),
        10,
    ),
    Procedure(
        "Đổi giấy phép lái xe",
        "đổi giấy phép lái xe",
        "Giao thông đường bộ",
        "Phòng Cảnh sát giao thông",
        "Người có giấy phép lái xe sắp hết hạn",
        "Giấy phép lái xe mới",
        ("Đơn đề nghị đổi giấy phép lái xe", "Giấy khám sức khỏe của người lái xe", "Giấy phép lái xe cũ"),
        (135000, 135000),
        5,
    ),
    Procedure(
        "Cấp lại giấy phép lái xe",
        "cấp lại giấy phép lái xe",
        "Giao thông đường bộ",
        "Phòng Cảnh sát giao thông",
        "Người bị mất giấy phép lái xe",
        "Giấy phép lái xe",
        ("Đơn đề nghị cấp lại giấy phép lái xe", "Giấy khám sức khỏe của người lái xe"),
        (135000, 135000),
        5,
    ),
    Procedure(
        "Đăng ký xe mô tô, xe gắn máy",
        "đăng ký xe",
        "Giao thông đường bộ",
        "Công an xã, phường",
        "Chủ xe mới mua",
        "Chứng nhận đăng ký xe và biển số",
        ("Giấy khai đăng ký xe", "Chứng từ nguồn gốc xe", "Chứng từ lệ phí trước bạ"),
        (None, None),
        2,
    ),
    Procedure(
        "Đăng ký hộ kinh doanh",
        "hộ kinh doanh",
        "Đăng ký kinh doanh",
        "Phòng Kinh tế xã, phường",
        "Cá nhân, thành viên hộ gia đình muốn kinh doanh",
        "Giấy chứng nhận đăng ký hộ kinh doanh",
        ("Giấy đề nghị đăng ký hộ kinh doanh (Mẫu số 1)", "Bản sao hợp đồng thuê địa điểm"),
        (None, None),
        3,
    ),
    Procedure(
        "Thay đổi nội dung đăng ký hộ kinh doanh",
        "thay đổi hộ kinh doanh",
        "Đăng ký kinh doanh",
        "Phòng Kinh tế xã, phường",
        "Chủ hộ kinh doanh",
        "Giấy chứng nhận đăng ký hộ kinh doanh mới",
        ("Thông báo thay đổi nội dung đăng ký hộ kinh doanh",),
        (None, None),
        3,
    ),
    Procedure(
        "Cấp lại thẻ bảo hiểm y tế",
        "thẻ bảo hiểm y tế",
        "Bảo hiểm y tế",
        "Bảo hiểm xã hội cơ sở",
        "Người bị mất hoặc hỏng thẻ",
        "Thẻ bảo hiểm y tế",
        ("Tờ khai tham gia, điều chỉnh thông tin BHXH, BHYT",),
        (0, 0),
        3,
    ),
    Procedure(
        "Hưởng trợ cấp thất nghiệp",
        "trợ cấp thất nghiệp",
        "Việc làm",
        "Trung tâm Dịch vụ việc làm",
        "Người lao động đã nghỉ việc",
        "Quyết định hưởng trợ cấp thất nghiệp",
        ("Đề nghị hưởng trợ cấp thất nghiệp", "Quyết định thôi việc", "Sổ bảo hiểm xã hội"),
        (0, 0),
        20,
    ),
    Procedure(
        "Hưởng chế độ thai sản",
        "thai sản",
        "Bảo hiểm xã hội",
        "Bảo hiểm xã hội cơ sở",
        "Lao động nữ sinh con, người chồng có vợ sinh con",
        "Tiền trợ cấp thai sản",
        ("Giấy khai sinh của con", "Giấy ra viện"),
        (0, 0),
        6,
    ),
    Procedure(
        "Hỗ trợ chi phí mai táng",
        "mai táng phí",
        "Bảo hiểm xã hội",
        "Bảo hiểm xã hội cơ sở",
        "Thân nhân người đang hưởng lương hưu đã mất",
        "Quyết định hưởng trợ cấp mai táng",
        ("Trích lục khai tử", "Tờ khai của thân nhân"),
        (0, 0),
        5,
    ),
    Procedure(
        "Đăng ký hưởng trợ cấp xã hội hằng tháng",
        "trợ cấp xã hội",
        "Bảo trợ xã hội",
        "UBND xã, phường",
        "Người cao tuổi, người khuyết tật, trẻ em mồ côi",
        "Quyết định hưởng trợ cấp xã hội",
        ("Tờ khai đề nghị trợ giúp xã hội",),
        (0, 0),
        15,
    ),
    Procedure(
        "Cấp giấy xác nhận khuyết tật",
        "xác nhận khuyết tật",
        "Bảo trợ xã hội",
        "UBND xã, phường",
        "Người khuyết tật hoặc người đại diện",
        "Giấy xác nhận khuyết tật",
        ("Đơn đề nghị xác định mức độ khuyết tật",),
        (0, 0),
        25,
    ),
    Procedure(
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "giấy phép xây dựng",
        "Xây dựng",
        "UBND xã, phường",
        "Chủ nhà xây mới hoặc sửa chữa lớn",
        "Giấy phép xây dựng",
        ("Đơn đề nghị cấp giấy phép xây dựng", "Bản vẽ thiết kế", "Giấy tờ về quyền sử dụng đất"),
        (75000, 75000),
        15,
    ),
    Procedure(
        "Đăng ký biến động đất đai",
        "biến động đất đai",
        "Đất đai",
        "Chi nhánh Văn phòng đăng ký đất đai",
        "Người sử dụng đất",
        "Giấy chứng nhận quyền sử dụng đất được cập nhật",
        ("Đơn đăng ký biến động đất đai", "Giấy chứng nhận đã cấp", "Hợp đồng chuyển nhượng"),
        (None, None),
        10,
    ),
    Procedure(
        "Cấp đổi căn cước",
        "căn cước",
        "Căn cước",
        "Công an xã, phường",
        "Công dân đủ 14 tuổi, 25 tuổi, 40 tuổi, 60 tuổi",
        "Thẻ căn cước",
        ("Căn cước công dân cũ",),
        (15000, 30000),
        7,
    ),
    Procedure(
        "Kích hoạt tài khoản định danh điện tử mức 2",
        "định danh điện tử",
        "Căn cước",
        "Công an xã, phường",
        "Công dân từ 14 tuổi",
        "Tài khoản VNeID mức 2",
        ("Căn cước", "Điện thoại có số thuê bao chính chủ"),
        (0, 0),
        7,
    ),
    Procedure(
        "Đăng ký mã số thuế cá nhân",
        "mã số thuế",
        "Thuế",
        "Thuế cơ sở",
        "Người có thu nhập chịu thuế",
        "Mã số thuế cá nhân",
        ("Tờ khai đăng ký thuế",),
        (0, 0),
        3,
    ),
    Procedure(
        "Đăng ký tuyển sinh vào lớp 1",
        "tuyển sinh lớp 1",
        "Giáo dục",
        "Trường tiểu học trên địa bàn",
        "Cha mẹ có con đủ 6 tuổi",
        "Thông báo trúng tuyển",
        ("Giấy khai sinh của trẻ",),
        (0, 0),
        10,
    ),
    Procedure(
        "Cấp giấy chứng nhận an toàn thực phẩm",
        "an toàn thực phẩm",
        "An toàn thực phẩm",
        "Phòng Kinh tế xã, phường",
        "Cơ sở kinh doanh dịch vụ ăn uống",
        "Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm",
        ("Đơn đề nghị cấp giấy chứng nhận", "Bản thuyết minh về cơ sở vật chất"),
        (500000, 500000),
        20,
    ),
)

QUALIFIERS = (
    "",
    "trực tuyến",
    "cho người cao tuổi",
    "có yếu tố nước ngoài",
    "khi bị mất giấy tờ",
    "cho người khuyết tật",
    "khi thay đổi nơi cư trú",
    "cho học sinh, sinh viên",
    "qua dịch vụ bưu chính",
    "cho người ở xa nơi đăng ký",
)
DELIVERIES = (
    "Nhận kết quả điện tử trên ứng dụng VNeID",
    "Nhận bản giấy qua dịch vụ bưu chính công ích",
    "Nhận trực tiếp tại Trung tâm Phục vụ hành chính công xã, phường",
    "Tải kết quả trên Cổng Dịch vụ công quốc gia, mục Hồ sơ của tôi",
)
DOC_KINDS = ("bản chính", "bản sao", "bản chính hoặc bản sao", "bản điện tử")
DOC_NOTES = (
    "không cần công chứng nếu nộp trực tuyến",
    "chụp rõ cả hai mặt",
    "còn thời hạn sử dụng",
    "nếu đã có trên VNeID thì không cần nộp lại",
)
FAMILY = (
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
)
MIDDLE = ("Văn", "Thị", "Minh", "Thanh", "Ngọc", "Hữu", "Đức", "Thu", "Hoài", "Quốc", "Bảo", "Kim")
GIVEN = (
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Hùng",
    "Hương",
    "Khánh",
    "Lan",
    "Linh",
    "Long",
    "Mai",
    "Minh",
    "Nam",
    "Ngân",
    "Nhung",
    "Phúc",
    "Phương",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Trí",
    "Tuấn",
    "Vy",
    "Yến",
)
PLACE_PARTS = (
    "An",
    "Bình",
    "Tân",
    "Long",
    "Phước",
    "Thạnh",
    "Hòa",
    "Mỹ",
    "Vĩnh",
    "Phú",
    "Đông",
    "Tây",
    "Nam",
    "Bắc",
    "Trung",
    "Thái",
    "Hưng",
    "Quang",
    "Minh",
    "Đức",
    "Hiệp",
    "Thuận",
    "Hội",
    "Gia",
    "Xuân",
    "Hương",
    "Cẩm",
    "Kim",
    "Ngọc",
    "Sơn",
    "Lộc",
    "Thủy",
    "Trường",
    "Hải",
    "Thanh",
    "Đại",
    "Định",
    "Châu",
    "Lạc",
    "Yên",
    "Trấn",
    "Biên",
    "Khánh",
    "Quý",
    "Lợi",
    "Tiến",
    "Điền",
    "Hồng",
)
STREETS = (
    "Lê Lợi",
    "Trần Hưng Đạo",
    "Nguyễn Huệ",
    "Hai Bà Trưng",
    "Lý Thường Kiệt",
    "Quang Trung",
    "Nguyễn Trãi",
    "Phan Bội Châu",
    "Hùng Vương",
    "Võ Thị Sáu",
)
DUTY_DAYS = ("Thứ Bảy", "Chủ nhật", "Thứ Bảy, Chủ nhật", "Thứ Hai – Thứ Sáu", "Thứ Ba, Thứ Năm")
DUTY_HOURS = ("7:30–11:00", "13:30–16:30", "7:00–11:30", "14:00–17:00", "18:00–20:00")
DUTY_PLACES = ("Nhà văn hóa ấp {n}", "Hội trường tổ dân phố {n}", "Điểm bưu điện văn hóa xã", "Trường tiểu học {place}")
OFFICE_HOURS = "Thứ Hai – Thứ Sáu: 7:00–11:30, 13:30–17:00"
FAQ_TOPICS = (
    "Tài khoản VNeID và đăng nhập",
    "Tỉnh, xã đã sáp nhập",
    "Phí, lệ phí và thanh toán",
    "Hồ sơ và giấy tờ",
    "Theo dõi hồ sơ và nhận kết quả",
    "Hỗ trợ trực tiếp",
    "Chữ ký số",
    "Bảo mật và mã OTP",
)
FAQ_QUESTIONS = (
    (
        "Quên mật khẩu VNeID thì làm thế nào?",
        "Mở ứng dụng **VNeID**, chọn **Quên mật khẩu** và làm theo hướng dẫn. Mã OTP được gửi tới số điện thoại "
        "chính chủ; không đưa mã này cho ai.",
    ),
    (
        "Tỉnh tôi đã sáp nhập, giờ nộp hồ sơ ở đâu?",
        "Cổng dịch vụ công riêng của các tỉnh đã ngừng từ ngày 27/6/2025. Hồ sơ trực tuyến nộp trên "
        "**Cổng Dịch vụ công quốc gia** (dichvucong.gov.vn), đăng nhập bằng VNeID.",
    ),
    (
        "Thanh toán lệ phí trực tuyến bằng cách nào?",
        "Khi nộp hồ sơ, chọn **Thanh toán trực tuyến** rồi chọn ngân hàng hoặc ví điện tử. Giữ lại biên lai "
        "điện tử trong mục *Hồ sơ của tôi*.",
    ),
    (
        "Ảnh chụp giấy tờ cần như thế nào?",
        "Chụp thẳng, đủ bốn góc, không lóa đèn:\n\n- mỗi tệp không quá 5 MB;\n- định dạng JPG, PNG hoặc PDF.",
    ),
    (
        "Làm sao biết hồ sơ đã được tiếp nhận?",
        "Sau khi nộp, bạn nhận **Phiếu tiếp nhận và hẹn trả kết quả** trên cổng, trên VNeID hoặc qua tin nhắn.",
    ),
    (
        "Không có điện thoại thông minh thì có làm được không?",
        "Có. Hãy đến Trung tâm Phục vụ hành chính công xã, phường; cán bộ và đội tình nguyện sẽ làm cùng bạn.",
    ),
    (
        "Hồ sơ bị trả lại phải làm gì?",
        "Đọc kỹ **lý do trả hồ sơ** trong thông báo, sửa hoặc bổ sung giấy tờ rồi nộp lại từ mục *Hồ sơ của tôi*.",
    ),
    (
        "Có phải nộp bản công chứng không?",
        "Khi nộp trực tuyến, thường chỉ cần ảnh chụp bản chính. Giấy tờ đã có trong Cơ sở dữ liệu quốc gia "
        "về dân cư thì không phải nộp lại.",
    ),
    (
        "Ai được nộp hồ sơ thay tôi?",
        "Người thân có thể nộp thay khi có **văn bản ủy quyền** hợp lệ. Một số thủ tục phải do chính người "
        "yêu cầu ký số.",
    ),
    (
        "Kết quả điện tử có giá trị như bản giấy không?",
        "Có. Kết quả điện tử do cơ quan có thẩm quyền ký số có giá trị pháp lý như bản giấy.",
    ),
    (
        "Tài khoản VNeID mức 1 có dùng được không?",
        "Một số thủ tục cần **tài khoản mức 2**. Nếu cổng báo không đủ quyền, hãy đến Công an xã, phường để "
        "kích hoạt mức 2.",
    ),
    (
        "Gọi tổng đài hỗ trợ vào giờ nào?",
        "Tổng đài hỗ trợ làm việc trong giờ hành chính; ngoài giờ, bạn có thể để lại câu hỏi trên cổng.",
    ),
)
STEP_FIRST = (
    "Đăng nhập bằng tài khoản VNeID",
    "Vào **dichvucong.gov.vn**, chọn **Đăng nhập**, rồi chọn **Tài khoản định danh điện tử cấp bởi Bộ "
    "Công an**. Mở ứng dụng VNeID mức 2 và quét mã QR hiện trên màn hình.",
)
STEP_MIDDLE = (
    ("Tìm thủ tục", "Gõ **{short}** vào ô tìm kiếm và chọn đúng thủ tục. Kiểm tra cơ quan thực hiện là **{office}**."),
    (
        "Chọn cơ quan tiếp nhận",
        "Chọn {province} rồi chọn xã, phường nơi bạn cư trú. Sau sáp nhập, tên xã, "
        "phường có thể đã đổi: hãy tìm theo tên mới.",
    ),
    (
        "Điền tờ khai điện tử",
        "Điền các ô có dấu sao. Thông tin đã có trong Cơ sở dữ liệu quốc gia về dân cư "
        "được điền sẵn, bạn chỉ cần kiểm tra lại họ tên, ngày sinh và nơi cư trú.",
    ),
    (
        "Tải lên giấy tờ",
        "Chụp và tải lên từng giấy tờ trong danh sách:\n\n- ảnh rõ nét, đủ bốn góc;\n- mỗi tệp không quá 5 MB.",
    ),
    (
        "Ký số tờ khai",
        "Bấm **Ký số** và xác nhận trên ứng dụng VNeID. Chữ ký số thay cho chữ ký tay trên tờ khai giấy.",
    ),
    (
        "Thanh toán phí, lệ phí",
        "Chọn **Thanh toán trực tuyến**, chọn ngân hàng hoặc ví điện tử và xác nhận. "
        "Biên lai điện tử được lưu cùng hồ sơ.",
    ),
    (
        "Nộp hồ sơ và lưu mã hồ sơ",
        "Bấm **Nộp hồ sơ**. Ghi lại **mã hồ sơ** trong *Phiếu tiếp nhận và hẹn trả kết quả* để tra cứu sau.",
    ),
    (
        "Theo dõi tiến độ",
        "Vào **Tra cứu hồ sơ**, nhập mã hồ sơ. Bạn cũng nhận thông báo qua VNeID, Zalo hoặc tin nhắn.",
    ),
)
STEP_LAST = (
    "Nhận kết quả",
    "{delivery}. Kiểm tra kỹ thông tin trên kết quả; nếu có sai sót, báo ngay cho cơ quan đã giải quyết.",
)
TIPS = (
    "Chuẩn bị sẵn điện thoại đã cài VNeID và căn cước trước khi bắt đầu.",
    "Nên làm vào buổi sáng ngày làm việc để được hỗ trợ nhanh nếu gặp lỗi.",
    "Lưu ảnh giấy tờ vào một thư mục riêng trên điện thoại để tải lên cho nhanh.",
)
WARNINGS = (
    "Không đưa mã OTP cho bất kỳ ai, kể cả người tự xưng là cán bộ.",
    "Chỉ nộp hồ sơ trên địa chỉ có đuôi .gov.vn; cẩn thận với trang giả mạo.",
    "Hồ sơ khai sai thông tin có thể bị trả lại và phải nộp lại từ đầu.",
)
LAWS = (
    "Nghị định 63/2024/NĐ-CP",
    "Nghị định 42/2022/NĐ-CP",
    "Nghị định 69/2024/NĐ-CP",
    "Nghị định 118/2025/NĐ-CP",
    "Luật Cư trú 2020",
    "Luật Hộ tịch 2014",
    "Nghị định 168/2025/NĐ-CP",
    "Thông tư 16/2025/TT-BTC",
)


# --- Small helpers ---------------------------------------------------------------------


def slugify(text: str) -> str:
    """'Đăng ký khai sinh' -> 'dang-ky-khai-sinh' (same rule as generator.text.slugify)."""
    text = text.replace("đ", "d").replace("Đ", "D")
    plain = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return "-".join("".join(c if c.isascii() and c.isalnum() else " " for c in plain.lower()).split())


def unique(slug: str, taken: set[str], limit: int = 80) -> str:
    """slug (cut at a word boundary to fit limit), or slug-2, slug-3 ... whichever is free; records it."""
    if len(slug) > limit:
        slug = slug[: limit + 1].rsplit("-", 1)[0]
    candidate, number = slug, 1
    while candidate in taken:
        number += 1
        candidate = f"{slug[: limit - 6].strip('-')}-{number}"
    taken.add(candidate)
    return candidate


def phone(rng: random.Random, prefix: str = "09") -> str:
    return f"{prefix}{rng.randint(10, 99)} {rng.randint(100, 999)} {rng.randint(100, 999)}"


def person(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def day(rng: random.Random) -> str:
    return f"2026-{rng.randint(9, 11):02d}-{rng.randint(1, 28):02d}"


def png(rgb: tuple[int, int, int], size: int = 16) -> bytes:
    """A small solid-colour PNG, written by hand so the bytes never depend on a library version."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    row = b"\x00" + bytes(rgb) * size
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(row * size, 9))
        + chunk(b"IEND", b"")
    )


# --- Provinces -------------------------------------------------------------------------


@dataclass(frozen=True)
class ProvinceName:
    slug: str
    name: str
    kind: str
    former: tuple[tuple[str, str], ...]  # (slug, name)


def province_names(count: int) -> list[ProvinceName]:
    """The 34 real names first; beyond 34, numbered copies ('Hà Nội 2') keep slugs unique."""
    names = []
    for i in range(count):
        name, kind, former = PROVINCES[i % len(PROVINCES)]
        suffix = "" if i < len(PROVINCES) else f" {i // len(PROVINCES) + 1}"
        names.append(
            ProvinceName(
                slugify(name + suffix), name + suffix, kind, tuple((slugify(f + suffix), f + suffix) for f in former)
            )
        )
    return names


def commune(rng: random.Random, taken: set[str], province: str) -> dict[str, Any]:
    kind = rng.choices(("xã", "phường", "đặc khu"), weights=(789, 207, 4))[0]
    place = f"{rng.choice(PLACE_PARTS)} {rng.choice(PLACE_PARTS)}"
    title = f"{kind.capitalize()} {place}"
    slug = unique(slugify(title), taken)
    if slug != slugify(title):
        place = f"{place} {slug.rsplit('-', 1)[1]}"
        title = f"{kind.capitalize()} {place}"
    data: dict[str, Any] = {"slug": slug, "name": title, "kind": kind}
    if rng.random() < 0.8:
        old = rng.sample(PLACE_PARTS, k=rng.randint(2, 3))
        data["formed_from"] = [f"{rng.choice(('xã', 'phường', 'thị trấn'))} {o} {rng.choice(PLACE_PARTS)}" for o in old]
    centre = {
        "name": f"Trung tâm Phục vụ hành chính công {kind} {place}",
        "address": f"Số {rng.randint(1, 300)} đường {rng.choice(STREETS)}, {kind} {place}, {province}",
        "hours": OFFICE_HOURS,
    }
    if rng.random() < 0.7:
        centre["phone"] = phone(rng, "02")
    data["service_centre"] = centre
    if rng.random() < 0.85:
        data["volunteer_team"] = volunteer_team(rng, kind, place)
    return data


def volunteer_team(rng: random.Random, kind: str, place: str) -> dict[str, Any]:
    shifts = []
    for _ in range(rng.randint(1, 3)):
        shift = {"days": rng.choice(DUTY_DAYS), "hours": rng.choice(DUTY_HOURS)}
        if rng.random() < 0.4:
            shift["place"] = rng.choice(DUTY_PLACES).format(n=rng.randint(1, 12), place=place)
        shifts.append(shift)
    return {
        "name": f"Đội thanh niên tình nguyện hỗ trợ dịch vụ công {kind} {place}",
        "contact": person(rng),
        "phone": phone(rng),
        "schedule": shifts,
    }


def province(
    rng: random.Random, p: ProvinceName, communes: int, featured: list[str], commune_leaflets: bool = False
) -> dict[str, Any]:
    title = f"{p.kind} {p.name}"
    data: dict[str, Any] = {"slug": p.slug, "name": p.name, "kind": p.kind}
    if p.former:
        data["merged_on"] = "2025-07-01"
        data["former"] = [
            {"slug": slug, "name": name, "legacy_portal_url": f"https://dichvucong.{slug.replace('-', '')}.gov.vn"}
            for slug, name in p.former
        ]
    data["legacy_portal_url"] = f"https://dichvucong.{p.slug.replace('-', '')}.gov.vn"
    data["portals"] = [
        {"name": "Cổng Dịch vụ công quốc gia", "url": NATIONAL_PORTAL, "note": "Đăng nhập bằng tài khoản VNeID"},
        {"name": "Ứng dụng VNeID", "url": "https://vneid.gov.vn/"},
    ]
    data["hotlines"] = [
        {
            "name": f"Đường dây nóng Trung tâm Phục vụ hành chính công {title}",
            "number": phone(rng, "02"),
            "hours": "Giờ hành chính",
        }
    ]
    if rng.random() < 0.5:
        data["hotlines"].append({"name": f"Đường dây hỗ trợ Công an {title}", "number": phone(rng, "02")})
    data["service_centre"] = {
        "name": f"Trung tâm Phục vụ hành chính công {title}",
        "address": f"Số {rng.randint(1, 200)} đường {rng.choice(STREETS)}, {p.name}",
        "hours": OFFICE_HOURS,
        "phone": phone(rng, "02"),
    }
    taken: set[str] = set()
    data["communes"] = [commune(rng, taken, p.name) for _ in range(communes)]
    if commune_leaflets:  # every commune asks for its own leaflet of the province's first featured guide
        for item in data["communes"]:
            item["print_guides"] = featured[:1]
    data["featured_guides"] = featured
    data["last_reviewed"] = day(rng)
    data["source_url"] = NATIONAL_PORTAL
    return data


# --- Guides ----------------------------------------------------------------------------


@dataclass(frozen=True)
class GuideName:
    slug: str
    title: str
    procedure: Procedure
    provinces: tuple[str, ...] | None  # None: every province


def guide_names(rng: random.Random, count: int, provinces: Sequence[str]) -> list[GuideName]:
    """Base procedures x qualifiers; about one guide in twenty applies to a few provinces only."""
    taken: set[str] = set()
    names = []
    for i in range(count):
        procedure = PROCEDURES[i % len(PROCEDURES)]
        round_ = i // len(PROCEDURES)
        qualifier = QUALIFIERS[round_ % len(QUALIFIERS)]
        title = f"{procedure.title} {qualifier}".strip()
        if round_ >= len(QUALIFIERS):
            title += f" (trường hợp {round_ // len(QUALIFIERS) + 1})"
        restricted = i % 20 == 19 and len(provinces) > 1
        only = tuple(sorted(rng.sample(list(provinces), k=max(1, len(provinces) // 4)))) if restricted else None
        names.append(GuideName(unique(slugify(title), taken), title, procedure, only))
    return names


def channels(rng: random.Random, procedure: Procedure, days: int) -> list[dict[str, Any]]:
    """Two channels with fees; an empty fee means "set by the province"."""
    rows = []
    for channel, fee, extra in zip(
        ("trực tuyến", rng.choice(("trực tiếp", "bưu chính"))), procedure.fees, (0, rng.randint(0, 2)), strict=True
    ):
        row: dict[str, Any] = {"channel": channel, "fee": fee}
        if fee is None:
            row["fee_note"] = "mức thu do Hội đồng nhân dân tỉnh quy định"
        row["processing_time"] = f"{days + extra} ngày làm việc"
        rows.append(row)
    online, direct = procedure.fees
    if online is not None and direct and online < direct:
        rows[0] = {**rows[0], "fee_note": "giảm phí khi nộp trực tuyến"}
    return rows


def steps(rng: random.Random, g: GuideName, delivery: str, linkable: dict[str, str]) -> list[dict[str, Any]]:
    """4-7 steps: log in, 2-5 middle steps in their natural order, receive the result."""
    middle = sorted(rng.sample(range(len(STEP_MIDDLE)), k=rng.randint(2, 5)))
    fields = {
        "short": g.procedure.short,
        "office": g.procedure.office,
        "province": "tỉnh, thành phố",
        "delivery": delivery,
    }
    raw = [STEP_FIRST, *(STEP_MIDDLE[i] for i in middle), STEP_LAST]
    result = []
    for title, body in raw:
        step: dict[str, Any] = {"title": title, "body": body.format(**fields)}
        if rng.random() < 0.15:
            src = rng.choice(IMAGES)
            step["image"] = {"src": src, "alt": f"Màn hình bước {title.lower()} trên điện thoại"}
        if rng.random() < 0.2:
            step["tip"] = rng.choice(TIPS)
        if rng.random() < 0.15:
            step["warning"] = rng.choice(WARNINGS)
        result.append(step)
    if linkable and rng.random() < 0.5:
        target = rng.choice(sorted(linkable))
        anchor, words = rng.choice((("", "hướng dẫn"), ("#cac-buoc", "các bước"), ("#phi-le-phi", "lệ phí")))
        result[-1]["body"] += f" Có thể bạn cần thêm: {words} [{linkable[target]}](guide:{target}{anchor})."
    return result


def guide(rng: random.Random, g: GuideName, provinces: Sequence[str], linkable: dict[str, str]) -> dict[str, Any]:
    p = g.procedure
    days = max(1, p.days + rng.randint(-1, 2))
    delivery = rng.choice(DELIVERIES)
    data: dict[str, Any] = {
        "slug": g.slug,
        "title": g.title,
        "summary": f"Hướng dẫn {g.title[:1].lower() + g.title[1:]} trên Cổng Dịch vụ công quốc gia, từng bước, "
        f"dành cho {p.audience.lower()}. Kết quả: {p.result.lower()}.",
        "procedure_code": f"{rng.randint(1, 2)}.{rng.randint(0, 999999):06d}",
        "field": p.field,
        "service_level": rng.choice(("toàn trình", "toàn trình", "một phần")),
        "audience": p.audience,
        "keywords": [p.short, *rng.sample(("VNeID", "dịch vụ công", "nộp online", "hồ sơ điện tử", "một cửa"), k=2)],
        "office": p.office,
        "online_url": NATIONAL_PORTAL,
        "documents": [document(rng, name) for name in p.documents],
        "channels": channels(rng, p, days),
        "result": p.result,
        "result_delivery": delivery,
        "steps": steps(rng, g, delivery, {s: t for s, t in linkable.items() if s != g.slug}),
    }
    if rng.random() < 0.3:
        data["faqs"] = guide_faqs(rng)
    data["legal_basis"] = [{"title": law} for law in rng.sample(LAWS, k=rng.randint(1, 3))]
    data["last_reviewed"] = day(rng)
    data["source_url"] = NATIONAL_PORTAL
    if g.provinces is not None:
        data["provinces"] = list(g.provinces)
    applies = list(g.provinces or provinces)
    if rng.random() < 0.1:
        chosen = sorted(rng.sample(applies, k=min(2, len(applies))))
        data["overrides"] = {slug: override(rng, p, days) for slug in chosen}
    return data


def document(rng: random.Random, name: str) -> dict[str, Any]:
    doc: dict[str, Any] = {"name": name, "kind": rng.choice(DOC_KINDS)}
    if rng.random() < 0.2:
        doc["quantity"] = rng.randint(2, 3)
    if rng.random() < 0.3:
        doc["note"] = rng.choice(DOC_NOTES)
    if rng.random() < 0.1:
        doc["optional"] = True
    return doc


def guide_faqs(rng: random.Random) -> list[dict[str, Any]]:
    picks = rng.sample(range(len(FAQ_QUESTIONS)), k=rng.randint(1, 2))
    return [
        {
            "id": unique("hoi-" + slugify(FAQ_QUESTIONS[i][0]), set(), limit=44),
            "question": FAQ_QUESTIONS[i][0],
            "answer": FAQ_QUESTIONS[i][1],
        }
        for i in picks
    ]


def override(rng: random.Random, p: Procedure, days: int) -> dict[str, Any]:
    fee = rng.choice((0, 5000, 10000, 50000))
    return {
        "note": f"Tại địa phương này, hồ sơ được tiếp nhận tại {p.office.lower()} và trả kết quả sớm hơn.",
        "channels": [
            {"channel": "trực tuyến", "fee": fee, "processing_time": f"{max(1, days - 1)} ngày làm việc"},
            {"channel": "trực tiếp", "fee": fee * 2, "processing_time": f"{days} ngày làm việc"},
        ],
    }


# --- FAQ groups ------------------------------------------------------------------------


def faq_groups(
    rng: random.Random, count: int, guides: list[GuideName], provinces: Sequence[str]
) -> list[dict[str, Any]]:
    """`count` questions in groups of up to five; a few are shown in some provinces only."""
    linkable = [g.slug for g in guides if g.provinces is None]  # a link must work wherever it is shown
    groups: list[dict[str, Any]] = []
    taken: set[str] = set()
    shown_everywhere: list[str] = []
    for i in range(count):
        if i % 5 == 0:
            topic = FAQ_TOPICS[(i // 5) % len(FAQ_TOPICS)]
            round_ = i // 5 // len(FAQ_TOPICS)
            title = topic if round_ == 0 else f"{topic} ({round_ + 1})"
            groups.append({"slug": slugify(title), "title": title, "order": (i // 5 + 1) * 10, "entries": []})
        question, answer = FAQ_QUESTIONS[i % len(FAQ_QUESTIONS)]
        if i >= len(FAQ_QUESTIONS):
            question = question.rstrip("?") + f" (trường hợp {i // len(FAQ_QUESTIONS) + 1})?"
        entry_id = unique(slugify(question), taken, limit=60)
        entry: dict[str, Any] = {"id": entry_id, "question": question, "answer": answer}
        if shown_everywhere and rng.random() < 0.3:
            entry["answer"] += f" Xem thêm [câu hỏi liên quan](faq:{rng.choice(shown_everywhere)})."
        if linkable and rng.random() < 0.3:
            entry["answer"] += f" Làm theo [hướng dẫn từng bước](guide:{rng.choice(linkable)})."
        entry["tags"] = rng.sample(("VNeID", "lệ phí", "sáp nhập", "hồ sơ", "kết quả"), k=2)
        if guides:
            entry["related_guides"] = [g.slug for g in rng.sample(guides, k=min(len(guides), rng.randint(1, 3)))]
        if len(provinces) > 1 and rng.random() < 0.1:
            entry["provinces"] = sorted(rng.sample(list(provinces), k=max(1, len(provinces) // 3)))
        else:
            shown_everywhere.append(entry["id"])
        groups[-1]["entries"].append(entry)
    return groups


# --- Writing ---------------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Multi-line text as a literal block, the way authors write Markdown."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


def _none(dumper: yaml.SafeDumper, _: None) -> yaml.ScalarNode:
    return dumper.represent_scalar("tag:yaml.org,2002:null", "")  # `fee:` left empty, as authors write it


_Dumper.add_representer(str, _str)
_Dumper.add_representer(type(None), _none)


def nfc_tree(value: Any) -> Any:
    """Every string in value, NFC-normalised (the loader compares NFC text)."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, list):
        return [nfc_tree(v) for v in value]
    if isinstance(value, dict):
        return {nfc_tree(k): nfc_tree(v) for k, v in value.items()}
    return value


def dump(path: Path, data: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.dump(nfc_tree(data), Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=110)
    path.write_text(text, encoding="utf-8")


def site_config(default_province: str) -> dict[str, Any]:
    return {
        "site_name": "Hướng dẫn dịch vụ công trực tuyến",
        "base_url": "https://huongdan-dvc.example.org",
        "language": "vi",
        "default_province": default_province,
        "allowed_domains": ["dichvucong.gov.vn", "gov.vn", "vneid.gov.vn"],
        "national_hotline": {"name": "Tổng đài hỗ trợ Cổng Dịch vụ công quốc gia", "number": "1800 1096"},
        "sample_content": True,
        "print_batch": "Đợt thử nghiệm",
    }


def prepare(out: Path) -> Path:
    """An empty out/content; refuses to delete a content folder this script did not write."""
    content = out / "content"
    if content.exists():
        if not (content / MARKER).exists():
            raise SystemExit(f"{content} exists and was not written by bench/synthetic.py; choose another --out")
        shutil.rmtree(content)
    content.mkdir(parents=True)
    (content / MARKER).write_text("Written by bench/synthetic.py; safe to delete.\n", encoding="utf-8")
    return content


def commune_counts(provinces: int, communes: int, total_communes: int | None) -> list[int]:
    """Per-province commune counts: `communes` each, or `total_communes` spread as evenly as possible."""
    if total_communes is None:
        return [communes] * provinces
    base, extra = divmod(total_communes, provinces)
    return [base + (1 if i < extra else 0) for i in range(provinces)]


def write_synthetic(
    out: Path,
    provinces: int,
    guides: int,
    communes: int,
    faqs: int,
    *,
    seed: int = SEED,
    total_communes: int | None = None,
    commune_leaflets: bool = False,
) -> None:
    """Write out/site_config.yml and out/content/ with the given numbers of items.

    `communes` is per province; `total_communes` (e.g. 3321) overrides it with a total.
    """
    if provinces < 1 or guides < 1:
        raise ValueError("need at least one province and one guide")
    rng = random.Random(seed)
    content = prepare(out)
    names = province_names(provinces)
    slugs = [p.slug for p in names]
    gnames = guide_names(rng, guides, slugs)
    everywhere = {g.slug: g.title for g in gnames if g.provinces is None}  # safe link targets
    for i, src in enumerate(IMAGES):
        (content / src).parent.mkdir(parents=True, exist_ok=True)
        (content / src).write_bytes(png((11 + 60 * i, 79, 156)))
    for g in gnames:
        dump(content / "guides" / f"{g.slug}.yml", guide(rng, g, slugs, everywhere))
    for group in faq_groups(rng, faqs, gnames, slugs):
        dump(content / "faqs" / f"{group['slug']}.yml", group)
    for p, count in zip(names, commune_counts(provinces, communes, total_communes), strict=True):
        featured = rng.sample(sorted(everywhere), k=min(len(everywhere), rng.randint(4, 6)))
        dump(content / "provinces" / f"{p.slug}.yml", province(rng, p, count, featured, commune_leaflets))
    dump(out / "site_config.yml", site_config(slugs[0]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--guides", type=int, default=100)
    parser.add_argument("--communes", type=int, default=5, help="communes per province")
    parser.add_argument("--total-communes", type=int, help="communes in all, spread over provinces (e.g. 3321)")
    parser.add_argument("--faqs", type=int, default=20, help="questions in content/faqs, five per group")
    parser.add_argument("--commune-leaflets", action="store_true", help="every commune asks for its own leaflet")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    write_synthetic(
        args.out,
        args.provinces,
        args.guides,
        args.communes,
        args.faqs,
        seed=args.seed,
        total_communes=args.total_communes,
        commune_leaflets=args.commune_leaflets,
    )
    print(f"Wrote {args.out}/site_config.yml and {args.out}/content", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
