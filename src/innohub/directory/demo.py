"""Demo data: a realistic, deterministic innovation ecosystem for `innohub demo`.

Why a generator and not a fixture: the portal, search and reports need thousands of records to show
anything meaningful, benchmarks need 100,000, and every run with the same seed must give the same data
(so a screenshot, a bug report or a test can refer to "Công ty Cổ phần Công nghệ Sao Mai AI" and find
it again). All randomness comes from `random.Random` seeded per stage; nothing reads the clock except
the `created_at` columns Django fills in.

Speed: organisations, people, relations and every many-to-many row are written with `bulk_create`;
the denormalised search columns are computed here with the same functions the services use
(directory.indexing), so search works without a re-index. Centers go through `create_center` because
their materialised paths depend on database ids.

Reference data (provinces, sectors, stages, …) comes from the taxonomy migration; the generator never
writes taxonomy rows and refuses to run when they are missing.
"""

from __future__ import annotations

import bisect
import itertools
import random
import time
import unicodedata
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify

from innohub.core.text import fold
from innohub.core.validators import validate_phone

T = TypeVar("T")

DEMO_PASSWORD = "innohub-demo"  # noqa: S105 - published in the README, demo accounts only
DEFAULT_SIZE = 2000
DEFAULT_SEED = 844  # Scheme 844, the national startup-support scheme
#: people per organisation (~1,500 people for the default 2,000 organisations)
PEOPLE_RATIO = 0.75
#: founding years and "since" years never pass this, so the data does not change with the clock
LAST_YEAR = 2025
BATCH = 2000

ProgressFn = Callable[[str], None]


class DemoError(Exception):
    """The demo cannot be generated into this database (message says why)."""


@dataclass
class DemoResult:
    seed: int
    size: int
    centers: int = 0
    users: int = 0
    organisations: int = 0
    people: int = 0
    relations: int = 0
    person_relations: int = 0
    claims: int = 0
    news: int = 0
    seconds: float = 0.0
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # (email, role, center slug)


# ------------------------------------------------------------------------------------------------
# Geography: the 34 provinces (since 1 July 2025), keyed by folded short name
# ------------------------------------------------------------------------------------------------

NORTH, CENTRAL, SOUTH = "north", "central", "south"

# key → (region, weight of organisations, English name, short Vietnamese name, tax-office prefix)
PROVINCES: dict[str, tuple[str, float, str, str, str]] = {
    "ha noi": (NORTH, 25, "Hanoi", "Hà Nội", "01"),
    "cao bang": (NORTH, 0.6, "Cao Bang", "Cao Bằng", "48"),
    "tuyen quang": (NORTH, 0.8, "Tuyen Quang", "Tuyên Quang", "50"),
    "dien bien": (NORTH, 0.5, "Dien Bien", "Điện Biên", "56"),
    "lai chau": (NORTH, 0.5, "Lai Chau", "Lai Châu", "62"),
    "son la": (NORTH, 0.7, "Son La", "Sơn La", "55"),
    "lao cai": (NORTH, 1.0, "Lao Cai", "Lào Cai", "53"),
    "thai nguyen": (NORTH, 2.0, "Thai Nguyen", "Thái Nguyên", "46"),
    "lang son": (NORTH, 0.7, "Lang Son", "Lạng Sơn", "49"),
    "quang ninh": (NORTH, 1.6, "Quang Ninh", "Quảng Ninh", "57"),
    "bac ninh": (NORTH, 2.5, "Bac Ninh", "Bắc Ninh", "23"),
    "phu tho": (NORTH, 1.4, "Phu Tho", "Phú Thọ", "26"),
    "hai phong": (NORTH, 4.0, "Hai Phong", "Hải Phòng", "02"),
    "hung yen": (NORTH, 1.4, "Hung Yen", "Hưng Yên", "09"),
    "ninh binh": (NORTH, 1.2, "Ninh Binh", "Ninh Bình", "27"),
    "thanh hoa": (CENTRAL, 1.5, "Thanh Hoa", "Thanh Hóa", "28"),
    "nghe an": (CENTRAL, 2.0, "Nghe An", "Nghệ An", "29"),
    "ha tinh": (CENTRAL, 0.8, "Ha Tinh", "Hà Tĩnh", "30"),
    "quang tri": (CENTRAL, 0.8, "Quang Tri", "Quảng Trị", "32"),
    "hue": (CENTRAL, 2.5, "Hue", "Huế", "33"),
    "da nang": (CENTRAL, 6.0, "Da Nang", "Đà Nẵng", "04"),
    "quang ngai": (CENTRAL, 0.9, "Quang Ngai", "Quảng Ngãi", "43"),
    "gia lai": (CENTRAL, 0.9, "Gia Lai", "Gia Lai", "59"),
    "khanh hoa": (CENTRAL, 2.0, "Khanh Hoa", "Khánh Hòa", "42"),
    "dak lak": (CENTRAL, 1.0, "Dak Lak", "Đắk Lắk", "60"),
    "lam dong": (CENTRAL, 2.0, "Lam Dong", "Lâm Đồng", "58"),
    "dong nai": (SOUTH, 2.5, "Dong Nai", "Đồng Nai", "36"),
    "ho chi minh": (SOUTH, 28, "Ho Chi Minh City", "TP. Hồ Chí Minh", "03"),
    "tay ninh": (SOUTH, 1.0, "Tay Ninh", "Tây Ninh", "39"),
    "dong thap": (SOUTH, 0.9, "Dong Thap", "Đồng Tháp", "14"),
    "vinh long": (SOUTH, 0.9, "Vinh Long", "Vĩnh Long", "15"),
    "an giang": (SOUTH, 1.0, "An Giang", "An Giang", "16"),
    "can tho": (SOUTH, 3.0, "Can Tho", "Cần Thơ", "18"),
    "ca mau": (SOUTH, 0.7, "Ca Mau", "Cà Mau", "20"),
}

_PROVINCE_PREFIXES = ("thanh pho ", "tp. ", "tp ", "tinh ")


def province_key(name: str) -> str:
    """ "Thành phố Hồ Chí Minh" → "ho chi minh": the key of PROVINCES."""
    key = fold(name)
    for prefix in _PROVINCE_PREFIXES:
        if key.startswith(prefix):
            key = key[len(prefix) :]
    return key.strip()


def ascii_name(value: str) -> str:
    """Drop Vietnamese diacritics but keep case: "Sao Mai Đông Á" → "Sao Mai Dong A"."""
    value = value.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFD", value) if not unicodedata.combining(c))


# ------------------------------------------------------------------------------------------------
# The center network
# ------------------------------------------------------------------------------------------------

NATIONAL = {
    "slug": "nssc",
    "short_name": "NSSC",
    "name_vi": "Trung tâm Hỗ trợ Khởi nghiệp Sáng tạo Quốc gia",
    "name_en": "National Startup Support Center",
    "province": "ha noi",
    "description_vi": "Trung tâm cấp quốc gia thuộc Bộ Khoa học và Công nghệ, điều phối mạng lưới các trung tâm "
    "hỗ trợ khởi nghiệp đổi mới sáng tạo vùng, địa phương, bộ ngành và trường đại học.",
    "description_en": "The national center under the Ministry of Science and Technology; it coordinates the "
    "network of regional, provincial, ministry and university innovation-startup support centers.",
}

REGIONAL = [
    ("mien-bac", NORTH, "Bắc", "Northern", "ha noi"),
    ("mien-trung", CENTRAL, "Trung", "Central", "da nang"),
    ("mien-nam", SOUTH, "Nam", "Southern", "ho chi minh"),
]

# slug, province key, short name
PROVINCIAL = [
    ("ha-noi", "ha noi", "HIC"),
    ("tp-hcm", "ho chi minh", "SIHUB"),
    ("da-nang", "da nang", "DNES"),
    ("hai-phong", "hai phong", "HPIC"),
    ("can-tho", "can tho", "CTIC"),
    ("hue", "hue", "HUEIC"),
    ("khanh-hoa", "khanh hoa", "KHIC"),
    ("thai-nguyen", "thai nguyen", "TNIC"),
    ("nghe-an", "nghe an", "NAIC"),
    ("lam-dong", "lam dong", "LDIC"),
]

UNIVERSITY_CENTERS = [
    (
        "dhqg-ha-noi",
        "VNU-IC",
        "Trung tâm Đổi mới Sáng tạo và Khởi nghiệp – Đại học Quốc gia Hà Nội",
        "VNU Hanoi Innovation and Startup Center",
    ),
    (
        "dh-bach-khoa",
        "BK-IC",
        "Trung tâm Đổi mới Sáng tạo – Đại học Bách khoa Hà Nội",
        "Hanoi University of Science and Technology Innovation Center",
    ),
]

PARTNER_CENTER = (
    "k-startup-hanoi",
    "KSC",
    "Trung tâm K-Startup Hà Nội",
    "K-Startup Center Hanoi",
    "Trung tâm khởi nghiệp Hàn Quốc tại Hà Nội theo Bản ghi nhớ giữa Bộ Khoa học và Công nghệ Việt Nam và "
    "Bộ Doanh nghiệp vừa và nhỏ và Khởi nghiệp Hàn Quốc (2024): trao đổi khởi nghiệp hai chiều hằng năm.",
    "The Korean startup center in Hanoi under the 2024 MOU between Vietnam's MOST and Korea's MSS: a "
    "yearly two-way startup exchange.",
)


# ------------------------------------------------------------------------------------------------
# Names
# ------------------------------------------------------------------------------------------------

SURNAMES = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4), ("Phan", 4),
    ("Vũ", 3.9), ("Võ", 3.5), ("Đặng", 2.1), ("Bùi", 2), ("Đỗ", 1.4), ("Hồ", 1.3), ("Ngô", 1.3),
    ("Dương", 1), ("Lý", 0.5), ("Đinh", 0.6), ("Trịnh", 0.5), ("Đoàn", 0.5), ("Lâm", 0.4), ("Mai", 0.4),
    ("Tạ", 0.3), ("Cao", 0.4), ("Lương", 0.3), ("Chu", 0.2), ("Hà", 0.3), ("Kiều", 0.2), ("Tô", 0.2),
]  # fmt: skip
MIDDLE_MALE = ["Văn", "Minh", "Đức", "Quang", "Hữu", "Thanh", "Hoàng", "Anh", "Gia", "Xuân", "Công", "Tuấn",
               "Bảo", "Trọng", "Quốc", "Thế", "Đình", "Ngọc", "Duy", "Khánh"]  # fmt: skip
MIDDLE_FEMALE = ["Thị", "Ngọc", "Thu", "Thanh", "Minh", "Thùy", "Phương", "Hồng", "Bích", "Kim", "Mai",
                 "Hoài", "Khánh", "Diệu", "Bảo", "Quỳnh", "Tuyết", "Hải"]  # fmt: skip
GIVEN_MALE = ["An", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Hải", "Hiếu", "Hoàng", "Hùng", "Huy", "Khải",
              "Khang", "Khoa", "Kiên", "Lâm", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân",
              "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tú", "Tuấn", "Việt",
              "Vinh", "Vũ", "Dương", "Hưng", "Lộc", "Tâm"]  # fmt: skip
GIVEN_FEMALE = ["Anh", "Chi", "Diệp", "Dung", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương", "Huyền",
                "Lan", "Linh", "Loan", "Ly", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung", "Oanh",
                "Phương", "Quyên", "Quỳnh", "Thảo", "Thủy", "Trang", "Trâm", "Uyên", "Vân", "Vy", "Yến",
                "Hiền", "Nhi", "Tâm", "Thư", "Khuê"]  # fmt: skip
OVERSEAS_GIVEN = ["Kevin", "Michael", "David", "Anna", "Linda", "Peter", "Tony", "Jenny", "Kim", "Daniel",
                  "Vivian", "Andrew", "Julie", "Henry", "Sophie", "Thomas"]  # fmt: skip

BRANDS = [
    "Sao Mai", "Lạc Việt", "Lạc Hồng", "Bạch Đằng", "Tràng An", "Hương Giang", "Cửu Long", "Trường Sơn",
    "Tây Nguyên", "Ánh Dương", "Hải Âu", "Sen Vàng", "Mây Xanh", "Đại Dương", "Bình An", "Phú Quý",
    "Minh Khang", "An Khang", "Tâm Việt", "Nhật Quang", "Hoàng Long", "Thăng Long", "Đông Sơn",
    "Văn Lang", "Âu Lạc", "Phong Vũ", "Bình Minh", "Hừng Đông", "Trúc Xanh", "Lúa Vàng", "Hoa Sen",
    "Rồng Việt", "Phượng Hoàng", "Kim Cương", "Ngọc Trai", "Tân Thời", "Vạn Xuân", "Hồng Bàng",
    "Mekong", "Lotus", "Bamboo", "Nexa", "Vina", "Lumi", "Zeta", "Orca", "Kite", "Aurora", "Delta",
    "Nova", "Pixel", "Quanta", "Helix", "Terra", "Vega", "Atlas", "Fuji", "Orchid", "Saola", "Tre Việt",
    "Gạo", "Mầm Xanh", "Hạt Giống", "Sóng Việt", "Đất Việt", "Trí Việt", "Tín Nghĩa", "Hưng Thịnh",
    "Thịnh Phát", "Vĩnh Phúc", "Kỳ Lân", "Chim Lạc", "Trống Đồng", "Hạ Long", "Ngũ Hành", "Sông Hàn",
    "Phù Sa", "Núi Ngọc", "Biển Đông", "Cánh Diều",
]  # fmt: skip
BRAND_SUFFIXES = [("", ""), ("", ""), ("", ""), (" Việt", " Viet"), (" Global", " Global"),
                  (" Plus", " Plus"), (" Labs", " Labs"), (" Xanh", " Green"), (" Số", " Digital"),
                  (" Tech", " Tech"), (" Hub", " Hub"), (" Smart", " Smart")]  # fmt: skip


@dataclass(frozen=True)
class Theme:
    vi: str
    en: str
    sectors: tuple[str, ...]  # VSIC divisions
    tags: tuple[str, ...]
    science: tuple[str, ...]  # words to look for in science-field names (English, folded)
    products: tuple[tuple[str, str], ...]


THEMES = [
    Theme("AI", "AI", ("62", "63"), ("AI", "Dữ liệu lớn", "SaaS"), ("computer", "mathemat"), (
        ("nền tảng trí tuệ nhân tạo xử lý tiếng Việt", "an AI platform for Vietnamese language processing"),
        ("hệ thống thị giác máy tính kiểm tra chất lượng sản phẩm", "a computer-vision system for product quality inspection"),
        ("trợ lý ảo chăm sóc khách hàng", "a virtual customer-service assistant"),
    )),
    Theme("Agritech", "Agritech", ("01", "10"), ("Agritech", "Nông nghiệp thông minh", "IoT", "OCOP"), ("crop", "agricultural biotech", "animal husbandry"), (
        ("giải pháp IoT giám sát vườn cây ăn trái", "an IoT solution for monitoring orchards"),
        ("nền tảng truy xuất nguồn gốc nông sản", "a traceability platform for farm produce"),
        ("hệ thống tưới tiêu thông minh tiết kiệm nước", "a water-saving smart irrigation system"),
    )),
    Theme("Fintech", "Fintech", ("64", "66"), ("Fintech", "Thanh toán số", "Blockchain"), ("economics",), (
        ("ví điện tử cho hộ kinh doanh", "an e-wallet for household businesses"),
        ("nền tảng chấm điểm tín dụng thay thế", "an alternative credit-scoring platform"),
        ("giải pháp hóa đơn điện tử và kế toán đám mây", "cloud e-invoicing and accounting"),
    )),
    Theme("Y tế Số", "Healthtech", ("86", "21"), ("Healthtech", "Y tế số", "AI"), ("clinical", "health", "medical engineering"), (
        ("ứng dụng khám bệnh từ xa", "a telemedicine app"),
        ("hệ thống quản lý hồ sơ sức khỏe điện tử", "an electronic health-record system"),
        ("thiết bị theo dõi sức khỏe đeo tay", "a wearable health monitor"),
    )),
    Theme("Edtech", "Edtech", ("85", "62"), ("Edtech", "Chuyển đổi số", "SaaS"), ("educational",), (
        ("nền tảng học trực tuyến cá nhân hóa", "a personalised online-learning platform"),
        ("ứng dụng học tiếng Anh bằng AI", "an AI English-learning app"),
        ("hệ thống quản lý trường học số", "a digital school-management system"),
    )),
    Theme("Logistics", "Logistics", ("52", "49"), ("Logistics", "Thương mại điện tử"), ("economics", "civil"), (
        ("nền tảng kết nối vận tải hàng hóa", "a freight-matching platform"),
        ("giải pháp giao hàng chặng cuối", "a last-mile delivery service"),
        ("phần mềm tối ưu kho bãi", "warehouse-optimisation software"),
    )),
    Theme("Thương mại Điện tử", "E-commerce", ("47", "63"), ("Thương mại điện tử", "Bán lẻ", "OCOP"), ("economics", "media"), (
        ("sàn thương mại điện tử cho sản phẩm OCOP", "a marketplace for OCOP products"),
        ("giải pháp bán hàng đa kênh", "an omnichannel sales tool"),
    )),
    Theme("Năng lượng Xanh", "Green Energy", ("35",), ("Năng lượng tái tạo", "Cleantech", "ESG"), ("electrical", "environmental engineering"), (
        ("hệ thống điện mặt trời áp mái cho doanh nghiệp", "rooftop solar systems for businesses"),
        ("pin lưu trữ năng lượng tái chế", "recycled energy-storage batteries"),
        ("trạm sạc xe điện thông minh", "smart EV charging stations"),
    )),
    Theme("Công nghệ Sinh học", "Biotech", ("72", "21"), ("Biotech", "Dược liệu"), ("biotech", "biological"), (
        ("chế phẩm sinh học cho nuôi trồng thủy sản", "biological products for aquaculture"),
        ("bộ xét nghiệm nhanh dựa trên sinh học phân tử", "molecular rapid test kits"),
    )),
    Theme("IoT", "IoT", ("26", "62"), ("IoT", "Thành phố thông minh"), ("electrical", "computer"), (
        ("cảm biến giám sát chất lượng không khí", "air-quality sensors"),
        ("nền tảng quản lý thiết bị IoT công nghiệp", "an industrial IoT device-management platform"),
    )),
    Theme("Du lịch Thông minh", "Smart Tourism", ("79", "55"), ("Du lịch", "Chuyển đổi số"), ("geography", "economics"), (
        ("ứng dụng hướng dẫn du lịch thực tế ảo", "a virtual-reality travel guide"),
        ("nền tảng đặt phòng homestay cộng đồng", "a community homestay booking platform"),
    )),
    Theme("Foodtech", "Foodtech", ("10", "56"), ("Foodtech", "OCOP", "Nông nghiệp thông minh"), ("food",), (
        ("thực phẩm chức năng từ dược liệu bản địa", "functional foods from native herbs"),
        ("chuỗi bếp trung tâm ứng dụng công nghệ", "tech-enabled central kitchens"),
    )),
    Theme("Vật liệu Mới", "Advanced Materials", ("20", "23"), ("Vật liệu mới", "Cleantech"), ("materials", "nano"), (
        ("vật liệu xây dựng từ phế phẩm nông nghiệp", "building materials made from farm waste"),
        ("màng phủ nano bảo quản nông sản", "nano-coatings that preserve produce"),
    )),
    Theme("Robot", "Robotics", ("28", "33"), ("Robotics", "Tự động hóa", "AI"), ("mechanical", "electrical"), (
        ("robot tự hành trong nhà máy", "autonomous factory robots"),
        ("cánh tay robot cho dây chuyền đóng gói", "robot arms for packing lines"),
    )),
    Theme("Môi trường", "Cleantech", ("38", "37"), ("Cleantech", "Kinh tế tuần hoàn", "ESG"), ("environmental",), (
        ("giải pháp xử lý rác thải nhựa", "plastic-waste recycling"),
        ("hệ thống xử lý nước thải phân tán", "decentralised waste-water treatment"),
    )),
    Theme("Dữ liệu", "Data", ("63", "62"), ("Dữ liệu lớn", "AI", "SaaS"), ("computer", "mathemat"), (
        ("nền tảng phân tích dữ liệu cho bán lẻ", "a retail analytics platform"),
        ("kho dữ liệu mở cho chính quyền số", "an open-data hub for digital government"),
    )),
    Theme("An ninh Mạng", "Cybersecurity", ("62",), ("An ninh mạng", "SaaS"), ("computer",), (
        ("giải pháp phát hiện lừa đảo trực tuyến", "online-fraud detection"),
        ("dịch vụ giám sát an ninh mạng 24/7", "24/7 security monitoring"),
    )),
    Theme("Bán dẫn", "Semiconductor", ("26",), ("Bán dẫn", "Vi mạch"), ("electrical", "physical"), (
        ("thiết kế vi mạch cho thiết bị IoT", "chip design for IoT devices"),
        ("dịch vụ kiểm thử vi mạch", "chip-testing services"),
    )),
    Theme("Thủy sản", "Aquatech", ("03", "10"), ("Aquatech", "Nông nghiệp thông minh", "IoT"), ("fisheries", "animal"), (
        ("hệ thống giám sát ao nuôi tôm", "shrimp-pond monitoring"),
        ("thức ăn thủy sản từ côn trùng", "insect-based aquafeed"),
    )),
    Theme("Bất động sản Số", "Proptech", ("68", "41"), ("Proptech", "Thành phố thông minh"), ("civil",), (
        ("nền tảng quản lý tòa nhà thông minh", "a smart building-management platform"),
        ("ứng dụng thuê nhà minh bạch", "a transparent rental app"),
    )),
]  # fmt: skip

ACTIVITIES = [("Công nghệ", "Technology"), ("Giải pháp", "Solutions"), ("Đổi mới Sáng tạo", "Innovation"),
              ("Phát triển", "Development"), ("Ứng dụng", "Applications"), ("Kỹ thuật Số", "Digital"),
              ("Dịch vụ", "Services"), ("Nghiên cứu và Phát triển", "R&D")]  # fmt: skip
LEGAL_FORMS = [("Công ty Cổ phần", "JSC", 55), ("Công ty TNHH", "Co., Ltd", 35),
               ("Công ty TNHH Một thành viên", "One Member Co., Ltd", 10)]  # fmt: skip

SME_FIELDS = [
    ("Cơ khí Chính xác", "Precision Engineering", ("25", "28"), ("Tự động hóa",)),
    ("Thiết bị Điện tử", "Electronics", ("26", "27"), ("IoT",)),
    ("Chế biến Nông sản", "Agro-processing", ("10",), ("OCOP", "Foodtech")),
    ("Dệt may Công nghệ", "Tech Textiles", ("13", "14"), ("Kinh tế tuần hoàn",)),
    ("Vật liệu Xây dựng Xanh", "Green Building Materials", ("23",), ("Vật liệu mới", "ESG")),
    ("Dược liệu", "Herbal Pharmaceuticals", ("21",), ("Dược liệu",)),
    ("Phần mềm", "Software", ("62",), ("SaaS", "Chuyển đổi số")),
    ("In 3D", "3D Printing", ("32",), ("Vật liệu mới",)),
    ("Thủy sản Sạch", "Clean Seafood", ("03", "10"), ("Aquatech",)),
    ("Cà phê Đặc sản", "Specialty Coffee", ("01", "10"), ("OCOP",)),
    ("Bao bì Sinh học", "Bio-packaging", ("22", "17"), ("Kinh tế tuần hoàn",)),
    ("Tự động hóa", "Automation", ("28", "33"), ("Tự động hóa", "Robotics")),
]  # fmt: skip

# "" twice: most SMEs have no activity word in their name
SME_ACTIVITIES = [("", ""), ("", ""), ("Sản xuất", "Manufacturing"), ("Kỹ thuật", "Engineering"),
                  ("Thương mại và Dịch vụ", "Trading and Services"),
                  ("Đầu tư Phát triển", "Investment and Development")]  # fmt: skip

UNIVERSITY_FIELDS = [("Bách khoa", "Technology"), ("Kinh tế", "Economics"), ("Công nghệ", "Engineering"),
                     ("Nông Lâm", "Agriculture and Forestry"), ("Y Dược", "Medicine and Pharmacy"),
                     ("Sư phạm Kỹ thuật", "Technical Education"), ("Khoa học", "Sciences"),
                     ("Công nghiệp", "Industry"), ("Công nghệ Thông tin", "Information Technology"),
                     ("Ngoại ngữ", "Foreign Languages"), ("Kiến trúc", "Architecture"),
                     ("Thủy lợi", "Water Resources")]  # fmt: skip

RESEARCH_FIELDS = [("Công nghệ Sinh học", "Biotechnology", ("72",)), ("Cơ khí", "Mechanical Engineering", ("72", "28")),
                   ("Công nghệ Thông tin", "Information Technology", ("72", "62")),
                   ("Khoa học Vật liệu", "Materials Science", ("72",)),
                   ("Khoa học Nông nghiệp", "Agricultural Sciences", ("72", "01")),
                   ("Hải dương học", "Oceanography", ("72",)), ("Năng lượng", "Energy", ("72", "35")),
                   ("Môi trường và Tài nguyên", "Environment and Natural Resources", ("72", "38")),
                   ("Dược liệu", "Medicinal Materials", ("72", "21")), ("Kinh tế Số", "Digital Economy", ("72", "63")),
                   ("Trí tuệ Nhân tạo", "Artificial Intelligence", ("72", "62"))]  # fmt: skip

FOREIGN = {
    # iso2: (weight, Vietnamese country name, name prefixes, name suffixes)
    "KR": (35, "Hàn Quốc", ["Seoul", "Busan", "Daejeon", "Pangyo", "Incheon", "Gwangju", "Hanbit", "Saebom",
                            "Haneul", "Mirae", "Dasan", "Gangnam", "Songdo", "Jeju"],
           ["Startup Hub", "Ventures", "Creative Economy Innovation Center", "Technopark", "Accelerator",
            "Tech Incubator", "Capital", "Innovation Foundation"]),
    "IL": (20, "Israel", ["Tel Aviv", "Haifa", "Negev", "Jerusalem", "Galil", "Carmel", "Jaffa", "Herzliya",
                          "Be'er Sheva", "Rehovot"],
           ["Innovation Labs", "Tech Incubator", "Ventures", "Accelerator", "AgriTech Center", "Capital Partners"]),
    "SG": (12, "Singapore", ["Lion City", "Marina", "Straits", "Jurong", "Kallang", "Changi"],
           ["Venture Studio", "Innovation Hub", "Accelerator", "Capital"]),
    "TH": (8, "Thái Lan", ["Siam", "Chao Phraya", "Lanna", "Chiang Mai", "Khon Kaen"],
           ["Innovation Hub", "Startup Center", "Science Park"]),
    "ID": (6, "Indonesia", ["Nusantara", "Bandung", "Surabaya", "Yogyakarta"],
           ["Digital Valley", "Startup Center", "Ventures"]),
    "MY": (6, "Malaysia", ["Penang", "Cyberjaya", "Kuala Lumpur", "Johor"], ["Innovation Hub", "Tech Ventures"]),
    "PH": (5, "Philippines", ["Manila", "Cebu", "Davao", "Iloilo"], ["Startup Hub", "Innovation Center"]),
    "KH": (4, "Campuchia", ["Phnom Penh", "Angkor", "Siem Reap"], ["Startup Center", "Techo Hub"]),
    "LA": (2, "Lào", ["Vientiane", "Luang Prabang"], ["Innovation Hub", "Startup Center"]),
    "MM": (2, "Myanmar", ["Yangon", "Mandalay"], ["Innovation Lab", "Startup Hub"]),
}  # fmt: skip

FOREIGN_MIDDLE = ["", "", "", "Global", "Asia", "Bio", "Digital", "Green", "Future", "Smart", "Deep Tech"]

OVERSEAS_COUNTRIES = [("US", 30), ("JP", 12), ("KR", 10), ("DE", 8), ("FR", 8), ("AU", 8), ("SG", 8),
                      ("CA", 6), ("GB", 5), ("FI", 2), ("IL", 3)]  # fmt: skip

KINDS = [
    ("startup", 55), ("innovative_sme", 15), ("incubator", 3), ("accelerator", 2), ("coworking", 2),
    ("university", 3), ("research_institute", 3), ("investor", 5), ("corporate", 5), ("association", 2),
    ("foreign_partner", 4), ("government", 1),
]  # fmt: skip

CUSTOMERS = [("doanh nghiệp vừa và nhỏ", "small and medium-sized enterprises"),
             ("hợp tác xã nông nghiệp", "agricultural cooperatives"), ("bệnh viện tuyến tỉnh", "provincial hospitals"),
             ("trường học", "schools"), ("chính quyền địa phương", "local governments"),
             ("nhà máy sản xuất", "factories"), ("người tiêu dùng", "consumers"),
             ("doanh nghiệp xuất khẩu", "exporters"), ("hộ kinh doanh", "household businesses")]  # fmt: skip
MILESTONES = [("gọi vốn thành công vòng hạt giống", "closed a seed round"),
              ("phục vụ hơn %(n)s khách hàng", "served more than %(n)s customers"),
              ("tham gia chương trình ươm tạo của trung tâm", "joined the center's incubation programme"),
              ("đạt giải tại Techfest %(year)s", "won an award at Techfest %(year)s"),
              ("mở rộng sang thị trường Đông Nam Á", "expanded into South-East Asia"),
              ("ký hợp đồng thí điểm với %(n)s đối tác", "signed pilot contracts with %(n)s partners")]  # fmt: skip
STREETS = ["Trần Hưng Đạo", "Lê Lợi", "Nguyễn Huệ", "Hai Bà Trưng", "Lý Thường Kiệt", "Điện Biên Phủ",
           "Võ Văn Kiệt", "Nguyễn Trãi", "Hùng Vương", "Lê Duẩn", "Phạm Văn Đồng", "Nguyễn Văn Linh",
           "Trần Phú", "Quang Trung", "Bạch Đằng", "Hoàng Quốc Việt", "Tôn Đức Thắng", "Cách Mạng Tháng Tám"]  # fmt: skip
TLDS = [(".vn", 45), (".com.vn", 25), (".com", 15), (".io", 10), (".ai", 5)]

#: typical funding raised (billion VND) per startup stage, from idea to scale-up
FUNDING_BY_STAGE = [0, 0.3, 2, 10, 40, 120, 300]

VISIBILITY = [("public", 85), ("network", 8), ("center", 5), ("private", 2)]
PERSON_VISIBILITY = [("public", 55), ("network", 35), ("center", 8), ("private", 2)]


# ------------------------------------------------------------------------------------------------
# helpers
# ------------------------------------------------------------------------------------------------


class Weighted:
    """A weighted choice that is cheap to draw many times (bisect on cumulative weights)."""

    def __init__(self, items: Sequence[tuple[T, float]]) -> None:
        self.items = [i for i, _w in items]
        self.cum = list(itertools.accumulate(w for _i, w in items))

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.cum[-1])]


def stage_rng(seed: int, stage: str) -> random.Random:
    # String seeds are hashed with SHA-512 by random.Random: stable across runs and platforms.
    return random.Random(f"innohub-demo:{seed}:{stage}")


def det_uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def tax_code(rng: random.Random, prefix: str, used: set[str]) -> str:
    """A 10-digit enterprise tax code with a correct check digit (stdnum.vn.mst), unique in `used`."""
    from stdnum.vn import mst

    while True:
        body = f"{prefix}{rng.randrange(1, 10_000_000):07d}"
        check = mst.calc_check_digit(body)
        if len(check) != 1:  # about one body in eleven has no valid check digit
            continue
        code = body + check
        if code not in used:
            used.add(code)
            return code


def demo_phone(prefix: str, digits: int) -> str:
    """An allocated-looking number in its international form: a landline (area code 2x, numbers
    starting with 3, 8 digits in Hà Nội and TP. Hồ Chí Minh, 7 elsewhere) or a mobile (9x + 7 digits)."""
    if prefix.startswith("2"):
        local = f"3{digits}" if len(prefix) == 2 else f"3{digits // 10}"
    else:
        local = str(digits)
    return validate_phone(f"+84{prefix}{local}")


def person_name(rng: random.Random) -> tuple[str, bool]:
    female = rng.random() < 0.45
    surname = _SURNAMES(rng)
    middle = rng.choice(MIDDLE_FEMALE if female else MIDDLE_MALE)
    given = rng.choice(GIVEN_FEMALE if female else GIVEN_MALE)
    if middle == given:
        middle = "Thị" if female else "Văn"
    return f"{surname} {middle} {given}", female


_SURNAMES = Weighted(SURNAMES)


class Slugs:
    """Unique slugs without a query per row (the demo writes into tables it has checked are empty)."""

    def __init__(self, existing: set[str] | None = None) -> None:
        self.used = set(existing or ())

    def __call__(self, text: str) -> str:
        base = slugify(fold(text))[:200] or "item"
        slug, n = base, 1
        while slug in self.used:
            n += 1
            slug = f"{base}-{n}"
        self.used.add(slug)
        return slug


# ------------------------------------------------------------------------------------------------
# taxonomy
# ------------------------------------------------------------------------------------------------


@dataclass
class Taxonomy:
    provinces: list[Any]
    province_by_key: dict[str, Any]
    sectors: list[Any]
    sector_by_code: dict[str, Any]
    science_fields: list[Any]
    stages: list[Any]
    levels: list[Any]
    country_by_iso2: dict[str, Any]
    legacy_by_province: dict[int, list[int]]
    communes_by_province: dict[int, list[int]]

    def __post_init__(self) -> None:
        self.key_of = {p.pk: province_key(p.name_vi or p.name) for p in self.provinces}
        level2 = [f for f in self.science_fields if f.level == 2] or self.science_fields
        self._science = [(f, fold(f.name_en or f.name)) for f in level2]
        self._science_matches: dict[tuple[str, ...], list[Any]] = {}

    def spec_of(self, province: Any) -> tuple[str, float, str, str, str] | None:
        return PROVINCES.get(self.key_of.get(province.pk, "")) if province is not None else None

    def region_of(self, province: Any) -> str:
        spec = self.spec_of(province)
        return spec[0] if spec else NORTH

    def sectors_for(self, codes: Sequence[str], rng: random.Random) -> list[Any]:
        found = [self.sector_by_code[c] for c in codes if c in self.sector_by_code]
        if not found and self.sectors:
            found = [rng.choice(self.sectors)]
        return found

    def science_for(self, words: Sequence[str], rng: random.Random, k: int) -> list[Any]:
        key = tuple(words)
        if key not in self._science_matches:
            self._science_matches[key] = [
                f for f, name in self._science if any(w in name for w in words)
            ] or [f for f, _name in self._science]
        matches = self._science_matches[key]
        return rng.sample(matches, min(k, len(matches))) if matches else []


def load_taxonomy() -> Taxonomy:
    from innohub.taxonomy.models import (
        Commune,
        Country,
        LegacyProvince,
        Province,
        ReadinessLevel,
        ScienceField,
        Sector,
        Stage,
    )

    provinces = list(Province.objects.order_by("code"))
    if not provinces:
        raise DemoError(
            "The taxonomy tables are empty (no provinces). Run `manage.py migrate` and "
            "`manage.py load_taxonomies` before `manage.py demo`."
        )
    sectors = list(Sector.objects.filter(level=2).order_by("code"))
    sector_by_code: dict[str, Any] = {}
    for s in sectors:
        digits = "".join(ch for ch in s.code if ch.isdigit())
        sector_by_code.setdefault(digits, s)
    legacy: dict[int, list[int]] = defaultdict(list)
    for pk, prov in LegacyProvince.objects.order_by("code").values_list("pk", "province_id"):
        legacy[prov].append(pk)
    communes: dict[int, list[int]] = defaultdict(list)
    for pk, prov in Commune.objects.order_by("code").values_list("pk", "province_id"):
        communes[prov].append(pk)
    return Taxonomy(
        provinces=provinces,
        province_by_key={province_key(p.name_vi or p.name): p for p in provinces},
        sectors=sectors,
        sector_by_code=sector_by_code,
        science_fields=list(ScienceField.objects.order_by("code")),
        stages=list(Stage.objects.order_by("order", "code")),
        levels=list(ReadinessLevel.objects.order_by("level")),
        country_by_iso2={c.iso2: c for c in Country.objects.all()},
        legacy_by_province=legacy,
        communes_by_province=communes,
    )


# ------------------------------------------------------------------------------------------------
# the generator
# ------------------------------------------------------------------------------------------------


@dataclass
class _Org:
    """What the later stages need to know about an organisation without re-reading it."""

    obj: Any
    region: str
    theme: Theme | None


class DemoBuilder:
    def __init__(self, *, size: int, seed: int, progress: ProgressFn | None = None) -> None:
        if size < 1:
            raise DemoError("--size must be at least 1")
        self.size = size
        self.seed = seed
        self.progress = progress or (lambda _msg: None)
        self._started = time.perf_counter()
        self.result = DemoResult(seed=seed, size=size)
        self.tax = load_taxonomy()
        self.centers: dict[str, Any] = {}
        self.center_for_province: dict[int, Any] = {}
        self.regional: dict[str, Any] = {}
        self.users: dict[str, Any] = {}
        self.staff_of: dict[int, Any] = {}  # center id → a staff user
        self.orgs: list[_Org] = []
        self.by_kind: dict[str, list[_Org]] = defaultdict(list)
        self.tags: dict[str, Any] = {}
        self.tax_codes: set[str] = set()
        self.founders: list[Any] = []  # founder profiles, for the startup accounts to own
        self.mentors: list[Any] = []  # mentor and investor profiles, for their ties to startups

    # -- orchestration ---------------------------------------------------------------------------

    def _say(self, message: str) -> None:
        self.progress(f"{time.perf_counter() - self._started:6.1f} s  {message}")

    def run(self) -> DemoResult:
        from innohub.centers.models import Center
        from innohub.directory.models import Organisation

        started = time.perf_counter()
        if Organisation.objects.exists():
            raise DemoError(
                "The database already holds organisations; the demo only fills an empty directory "
                "(use --if-empty to skip quietly)."
            )
        taken = set(Center.objects.filter(slug__in=self._center_slugs()).values_list("slug", flat=True))
        if taken:
            raise DemoError(f"Centers with the demo slugs already exist: {', '.join(sorted(taken))}.")
        with _no_query_log(), transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
            self.build_centers()
            self.build_users()
            self.build_tags()
            self.build_organisations()
            self.build_people()
            self.build_relations()
            self.build_person_relations()
            self.build_members_and_claims()
            self.build_news()
        self.result.seconds = round(time.perf_counter() - started, 2)
        return self.result

    @staticmethod
    def _center_slugs() -> list[str]:
        return (
            [NATIONAL["slug"], PARTNER_CENTER[0]]
            + [r[0] for r in REGIONAL]
            + [p[0] for p in PROVINCIAL]
            + [u[0] for u in UNIVERSITY_CENTERS]
        )

    # -- centers ---------------------------------------------------------------------------------

    def _province(self, key: str) -> Any:
        return self.tax.province_by_key.get(key)

    def build_centers(self) -> None:
        from innohub.centers.services import create_center

        def make(parent: Any, **fields: Any) -> Any:
            center = create_center(actor=None, parent=parent, **fields)
            self.centers[center.slug] = center
            return center

        national = make(
            None,
            kind="national",
            website="https://nssc.innohub.local",
            email="lienhe@nssc.innohub.local",
            phone="+84 24 3939 3939",
            **{k: v for k, v in NATIONAL.items() if k != "province"},
            province=self._province("ha noi"),
        )
        for slug, region, vi, en, seat in REGIONAL:
            self.regional[region] = make(
                national,
                kind="regional",
                slug=slug,
                short_name=f"RIC-{region[0].upper()}",
                name_vi=f"Trung tâm Hỗ trợ Khởi nghiệp Đổi mới Sáng tạo Vùng miền {vi}",
                name_en=f"{en} Regional Innovation Startup Support Center",
                description_vi=f"Điều phối các trung tâm hỗ trợ khởi nghiệp đổi mới sáng tạo tại các tỉnh, "
                f"thành phố miền {vi}; tổ chức Techfest vùng.",
                description_en=f"Coordinates the innovation-startup support centers of the {en.lower()} "
                "provinces and runs the regional Techfest.",
                province=self._province(seat),
                website=f"https://{slug}.innohub.local",
                email=f"lienhe@{slug}.innohub.local",
            )
        for slug, key, short in PROVINCIAL:
            region, _w, en, vi, _prefix = PROVINCES[key]
            center = make(
                self.regional[region],
                kind="provincial",
                slug=slug,
                short_name=short,
                name_vi=f"Trung tâm Hỗ trợ Khởi nghiệp Đổi mới Sáng tạo {vi}",
                name_en=f"{en} Innovation Startup Support Center",
                description_vi=f"Trung tâm thuộc Sở Khoa học và Công nghệ {vi}: ươm tạo, tư vấn sở hữu trí "
                "tuệ, kết nối đầu tư và quản lý cơ sở dữ liệu hệ sinh thái khởi nghiệp địa phương.",
                description_en=f"Run by the {en} Department of Science and Technology: incubation, IP "
                "advice, investor matching and the local startup-ecosystem database.",
                province=self._province(key),
                website=f"https://{slug}.innohub.local",
                email=f"lienhe@{slug}.innohub.local",
            )
            if center.province_id:
                self.center_for_province[center.province_id] = center
        for slug, short, vi, en in UNIVERSITY_CENTERS:
            make(
                self.regional[NORTH],
                kind="university",
                slug=slug,
                short_name=short,
                name_vi=vi,
                name_en=en,
                description_vi="Hỗ trợ sinh viên, giảng viên thương mại hóa kết quả nghiên cứu và khởi nghiệp.",
                description_en="Helps students and researchers commercialise research and start companies.",
                province=self._province("ha noi"),
                website=f"https://{slug}.innohub.local",
            )
        slug, short, vi, en, dvi, den = PARTNER_CENTER
        make(
            national,
            kind="partner",
            slug=slug,
            short_name=short,
            name_vi=vi,
            name_en=en,
            description_vi=dvi,
            description_en=den,
            province=self._province("ha noi"),
            website=f"https://{slug}.innohub.local",
        )
        self.result.centers = len(self.centers)
        self._say(f"{len(self.centers)} centers")

    def owner_center(self, province: Any | None) -> Any:
        if province is None:
            return self.centers[NATIONAL["slug"]]
        return self.center_for_province.get(province.pk) or self.regional[self.tax.region_of(province)]

    # -- users and memberships -------------------------------------------------------------------

    def build_users(self) -> None:
        from allauth.account.models import EmailAddress

        from innohub.accounts.models import Membership, Role, User

        rng = stage_rng(self.seed, "users")
        roles = {r.code: r for r in Role.objects.filter(center=None)}
        # One hash for every demo account: hashing 80 passwords one by one would take most of the budget.
        password = make_password(DEMO_PASSWORD)
        users: list[Any] = []
        memberships: list[tuple[str, str, str]] = []  # email, center slug, role code

        def add(email: str, role: str, center: str, **extra: Any) -> None:
            name, _female = person_name(rng)
            users.append(
                User(
                    email=email,
                    full_name=extra.pop("full_name", name),
                    password=password,
                    preferred_language="vi",
                    **extra,
                )
            )
            memberships.append((email, center, role))
            self.result.accounts.append((email, role, center))

        add(
            "admin@innohub.local",
            "platform_admin",
            NATIONAL["slug"],
            full_name="Quản trị nền tảng",
            is_staff=True,
            is_superuser=True,
        )
        for slug in self.centers:
            add(f"admin.{slug}@innohub.local", "center_admin", slug)
            add(f"staff.{slug}@innohub.local", "center_staff", slug)
        rng_centers = [p[0] for p in PROVINCIAL]
        for i in range(1, 7):
            add(f"reviewer{i}@innohub.local", "reviewer", NATIONAL["slug"] if i <= 2 else rng_centers[i])
        for i in range(1, 13):
            add(f"mentor{i}@innohub.local", "mentor", rng_centers[(i - 1) % len(rng_centers)])
        for i in range(1, 21):
            add(f"startup{i}@innohub.local", "startup_member", rng_centers[(i - 1) % len(rng_centers)])
        # An account that already exists (say admin@innohub.local from createsuperuser) is kept as it
        # is, password included; it only gains the demo memberships.
        existing = set(
            User.objects.filter(email__in=[u.email for u in users]).values_list("email", flat=True)
        )
        new_users = [u for u in users if u.email not in existing]
        User.objects.bulk_create(new_users)
        by_email = {u.email: u for u in User.objects.filter(email__in=[u.email for u in users])}
        self.users = by_email
        # Only the roles that exist: a deployment may have removed a system role.
        Membership.objects.bulk_create(
            [
                Membership(user=by_email[e], center=self.centers[c], role=roles[r], uuid=det_uuid(rng))
                for e, c, r in memberships
                if r in roles
            ]
        )
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user=by_email[u.email], email=u.email, verified=True, primary=True)
                for u in new_users
            ]
        )
        for e, c, r in memberships:
            if r == "center_staff":
                self.staff_of[self.centers[c].pk] = by_email[e]
        self.result.users = len(users)
        self._say(f"{len(users)} users (password {DEMO_PASSWORD!r})")

    # -- tags ------------------------------------------------------------------------------------

    def build_tags(self) -> None:
        from innohub.directory.models import Tag

        names = sorted(
            {t for th in THEMES for t in th.tags}
            | {t for f in SME_FIELDS for t in f[3]}
            | {
                "Khởi nghiệp",
                "Ươm tạo",
                "Đầu tư mạo hiểm",
                "Hợp tác quốc tế",
                "Kiều bào",
                "Chuyển giao công nghệ",
            }
        )
        existing = {t.slug: t for t in Tag.objects.all()}
        new = []
        for name in names:
            slug = slugify(fold(name))[:64]
            if slug not in existing:
                new.append(Tag(name=name, slug=slug))
        Tag.objects.bulk_create(new)
        self.tags = {t.name: t for t in Tag.objects.all()}

    # -- organisations ---------------------------------------------------------------------------

    def build_organisations(self) -> None:
        from innohub.directory.indexing import organisation_name_key, organisation_search_text
        from innohub.directory.models import Organisation

        rng = stage_rng(self.seed, "organisations")
        tax = self.tax
        provinces = tax.provinces
        weights = [(tax.spec_of(p) or (NORTH, 1.0))[1] for p in provinces]
        pick_province = Weighted(list(zip(provinces, weights, strict=True)))
        pick_kind = Weighted(KINDS)
        pick_vis = Weighted(VISIBILITY)
        slugs = Slugs(set(Organisation.objects.values_list("slug", flat=True)))
        names: set[str] = set()
        # Labels and names are resolved once, not once per organisation (lazy translations are slow).
        kind_labels = {k: str(label) for k, label in Organisation._meta.get_field("kind").flatchoices}
        sector_names = {s.pk: s.name_vi or s.name for s in tax.sectors}
        m2m_sectors: list[tuple[int, list[Any]]] = []
        m2m_science: list[tuple[int, list[Any]]] = []
        m2m_tags: list[tuple[int, list[Any]]] = []
        batch: list[Any] = []
        pending: list[tuple[Any, list[Any], list[Any], list[Any], _Org]] = []

        def flush() -> None:
            created = Organisation.objects.bulk_create(batch)
            for obj, (_o, sectors, science, tags, info) in zip(created, pending, strict=True):
                info.obj = obj
                m2m_sectors.append((obj.pk, sectors))
                m2m_science.append((obj.pk, science))
                m2m_tags.append((obj.pk, tags))
            batch.clear()
            pending.clear()

        for i in range(self.size):
            # Every province gets at least one organisation before the weights take over.
            province = provinces[i] if i < len(provinces) and self.size >= 3 * len(provinces) else None
            kind = pick_kind(rng)
            if province is None:
                province = pick_province(rng)
            elif kind == "foreign_partner":  # it may have no office in Vietnam: keep the province covered
                kind = "startup"
            spec = self._org_spec(rng, kind, province, names)
            kind = spec["kind"]
            if kind == "foreign_partner" and rng.random() < 0.5:
                province = None  # no Vietnamese office
            elif kind == "foreign_partner":
                province = tax.province_by_key.get(rng.choice(["ha noi", "ho chi minh", "da nang"]), province)
            center = self.owner_center(province)
            name_vi, name_en = spec["name_vi"], spec["name_en"]
            theme: Theme | None = spec.get("theme")
            domain = spec["domain"]
            founded = spec["founded"]
            org = Organisation(
                uuid=det_uuid(rng),
                center=center,
                kind=kind,
                name_vi=name_vi,
                name_en=name_en,
                slug=slugs(name_vi),
                short_name=spec.get("short_name", "")[:64],
                description_vi=spec["description_vi"],
                description_en=spec["description_en"],
                province=province,
                country=tax.country_by_iso2.get(spec.get("country", "VN")),
                address=self._address(rng, province) if province else "",
                founded_year=founded,
                team_size=spec.get("team_size"),
                funding_raised_vnd=spec.get("funding"),
                tax_code=tax_code(rng, self._tax_prefix(rng, province), self.tax_codes)
                if kind != "foreign_partner" and rng.random() < 0.92
                else "",
                website=f"https://{domain}",
                email=f"lienhe@{domain}" if kind != "foreign_partner" else f"contact@{domain}",
                phone=demo_phone(rng.choice(['24', '28', '236', '225', '292', '91', '98', '90']), rng.randrange(1000000, 9999999)),
                social_links={"facebook": f"https://facebook.com/{domain.split('.')[0]}"} if rng.random() < 0.4 else {},
                visibility=pick_vis(rng),
                created_by=self.staff_of.get(center.pk),
            )  # fmt: skip
            if kind in ("startup", "innovative_sme") and tax.stages:
                step = min(int(rng.triangular(0, len(tax.stages), 1)), len(tax.stages) - 1)
                step = min(step, LAST_YEAR - founded + 1)  # a company founded last year is not at scale-up
                org.stage = tax.stages[step]
                if kind == "startup":  # later stages have raised more (VND; 0 at the idea stage)
                    billions = FUNDING_BY_STAGE[min(step, len(FUNDING_BY_STAGE) - 1)]
                    org.funding_raised_vnd = Decimal(int(billions * rng.uniform(0.5, 1.5) * 10)) * 100_000_000
            if kind in ("startup", "innovative_sme", "research_institute") and tax.levels:
                org.readiness_level = tax.levels[min(int(rng.triangular(1, 9, 5)), 9) - 1]
            if province is not None and founded < LAST_YEAR and tax.legacy_by_province.get(province.pk):
                org.legacy_province_id = rng.choice(tax.legacy_by_province[province.pk])
            if province is not None and tax.communes_by_province.get(province.pk) and rng.random() < 0.6:
                org.commune_id = rng.choice(tax.communes_by_province[province.pk])
            sectors = tax.sectors_for(spec["sectors"], rng)
            science = (
                tax.science_for(theme.science if theme else ("engineering",), rng, rng.randint(1, 2))
                if kind in ("startup", "innovative_sme", "research_institute", "university")
                else []
            )
            tag_names = list(dict.fromkeys(spec.get("tags", ())))[:4]
            # In the order the services read them back (Tag and Sector Meta.ordering).
            tags = sorted((self.tags[t] for t in tag_names if t in self.tags), key=lambda t: t.name)
            sectors = sorted(dict.fromkeys(sectors), key=lambda s: s.code)
            org.search_text = organisation_search_text(
                _IndexView(org, kind_labels[kind]),
                sector_names=[sector_names[s.pk] for s in sectors],
                tag_names=[t.name for t in tags],
            )
            org.name_key = organisation_name_key(name_vi)
            info = _Org(obj=org, region=tax.region_of(province) if province else NORTH, theme=theme)
            self.orgs.append(info)
            self.by_kind[kind].append(info)
            batch.append(org)
            pending.append((org, sectors, science, tags, info))
            if len(batch) >= BATCH:
                flush()
                if i + 1 < self.size:
                    self._say(f"{i + 1}/{self.size} organisations")
        if batch:
            flush()
        self._say(f"{len(self.orgs)} organisations; linking sectors, fields and tags")
        self._bulk_m2m(Organisation.sectors.through, "organisation", "sector", m2m_sectors)
        self._bulk_m2m(Organisation.science_fields.through, "organisation", "sciencefield", m2m_science)
        self._bulk_m2m(Organisation.tags.through, "organisation", "tag", m2m_tags)
        self.result.organisations = len(self.orgs)
        self._say(f"{len(self.orgs)} organisations")

    def _tax_prefix(self, rng: random.Random, province: Any) -> str:
        """The first two digits name the tax office that issued the code (01 Hanoi, 03 HCMC, …)."""
        spec = self.tax.spec_of(province)
        return spec[4] if spec else f"{rng.randrange(10, 64):02d}"

    @staticmethod
    def _bulk_m2m(through: Any, left: str, right: str, rows: list[tuple[int, list[Any]]]) -> None:
        """Many-to-many rows with one executemany: hundreds of thousands of them at --size 100000,
        where building a model instance per row would cost more than the organisations themselves."""
        from django.db import connection

        qn = connection.ops.quote_name
        left_col, right_col = through._meta.get_field(left).column, through._meta.get_field(right).column
        values = [(pk, target.pk) for pk, targets in rows for target in dict.fromkeys(targets)]
        sql = f"INSERT INTO {qn(through._meta.db_table)} ({qn(left_col)}, {qn(right_col)}) VALUES (%s, %s)"
        with connection.cursor() as cursor:
            for start in range(0, len(values), 10_000):
                cursor.executemany(sql, values[start : start + 10_000])

    @staticmethod
    def _address(rng: random.Random, province: Any) -> str:
        return f"Số {rng.randint(1, 299)} đường {rng.choice(STREETS)}, {province.name_vi or province.name}"

    def _unique(self, names: set[str], make: Callable[[], dict[str, Any] | None], attempts: int = 12) -> Any:
        from innohub.directory.indexing import organisation_name_key

        for _ in range(attempts):
            spec = make()
            if spec is None:
                return None
            key = organisation_name_key(spec["name_vi"])
            if key not in names:
                names.add(key)
                return spec
        return None

    def _org_spec(self, rng: random.Random, kind: str, province: Any, names: set[str]) -> dict[str, Any]:
        _region, _w, p_en, p_vi, _prefix = self.tax.spec_of(province) or (
            NORTH,
            1,
            province.name_en or province.name,
            province.name,
            "",
        )
        maker = getattr(self, f"_spec_{kind}")
        spec = self._unique(names, lambda: maker(rng, p_vi, p_en))
        if spec is None:  # this kind's name space is used up for the province: fall back to a startup
            kind = "startup"
            spec = self._unique(names, lambda: self._spec_startup(rng, p_vi, p_en), attempts=30)
        if spec is None:  # very large sizes: number the name
            spec = self._spec_startup(rng, p_vi, p_en)
            base_vi, base_en, n = spec["name_vi"], spec["name_en"], 2
            from innohub.directory.indexing import organisation_name_key

            while organisation_name_key(f"{base_vi} {n}") in names:
                n += 1
            spec["name_vi"], spec["name_en"] = f"{base_vi} {n}", f"{base_en} {n}"
            names.add(organisation_name_key(spec["name_vi"]))
        spec["kind"] = kind
        spec.setdefault("founded", rng.randint(1995, LAST_YEAR))
        spec.setdefault("sectors", ())
        if "description_vi" not in spec:
            spec["description_vi"], spec["description_en"] = self._generic_description(rng, spec, p_vi, p_en)
        return spec

    @staticmethod
    def _brand(rng: random.Random) -> tuple[str, str]:
        brand = rng.choice(BRANDS)
        suffix_vi, suffix_en = rng.choice(BRAND_SUFFIXES)
        return brand + suffix_vi, ascii_name(brand) + suffix_en

    @staticmethod
    def _domain(rng: random.Random, *parts: str, tld: str = "") -> str:
        base = "".join(slugify(ascii_name(p)).replace("-", "") for p in parts)[:40] or "demo"
        return base + (tld or Weighted(TLDS)(rng))

    def _spec_startup(self, rng: random.Random, p_vi: str, p_en: str) -> dict[str, Any]:
        theme = rng.choice(THEMES)
        act_vi, act_en = rng.choice(ACTIVITIES)
        legal_vi, legal_en = Weighted([((v, e), w) for v, e, w in LEGAL_FORMS])(rng)
        brand_vi, brand_en = self._brand(rng)
        founded = min(LAST_YEAR, int(rng.triangular(2012, LAST_YEAR + 1, 2021)))
        team = max(2, int(rng.lognormvariate(2.2, 0.8)))
        product_vi, product_en = rng.choice(theme.products)
        customer_vi, customer_en = rng.choice(CUSTOMERS)
        ms_vi, ms_en = rng.choice(MILESTONES)
        fill = {"n": rng.choice([20, 50, 100, 300, 1000]), "year": rng.randint(max(founded, 2019), LAST_YEAR)}
        short = f"{brand_en.replace(' ', '')} {theme.en}"
        return {
            "name_vi": f"{legal_vi} {act_vi} {brand_vi} {theme.vi}",
            "name_en": f"{brand_en} {theme.en} {act_en} {legal_en}",
            "short_name": short,
            "theme": theme,
            "domain": self._domain(rng, brand_en, theme.en),
            "founded": founded,
            "team_size": team,
            "sectors": theme.sectors,
            "tags": (*theme.tags[: rng.randint(1, len(theme.tags))], "Khởi nghiệp"),
            "description_vi": f"{short} phát triển {product_vi} cho {customer_vi}. Thành lập năm {founded} tại "
            f"{p_vi}, đội ngũ {team} người đã {ms_vi % fill}.",
            "description_en": f"{short} builds {product_en} for {customer_en}. Founded in {founded} in {p_en}, "
            f"the {team}-person team has {ms_en % fill}.",
        }

    def _spec_innovative_sme(self, rng: random.Random, p_vi: str, p_en: str) -> dict[str, Any]:
        fvi, fen, sectors, tags = rng.choice(SME_FIELDS)
        act_vi, act_en = rng.choice(SME_ACTIVITIES)
        brand_vi, brand_en = self._brand(rng)
        founded = rng.randint(1998, LAST_YEAR - 1)
        team = rng.randint(12, 350)
        return {
            "name_vi": " ".join(w for w in ("Công ty TNHH", act_vi, fvi, brand_vi) if w),
            "name_en": " ".join(w for w in (brand_en, fen, act_en, "Co., Ltd") if w),
            "short_name": brand_en,
            "domain": self._domain(rng, brand_en, fen.split()[0]),
            "founded": founded,
            "team_size": team,
            "funding": Decimal(rng.choice([0, 2_000, 10_000, 30_000])) * 1_000_000,
            "sectors": sectors,
            "tags": tags,
            "description_vi": f"Doanh nghiệp nhỏ và vừa đổi mới sáng tạo trong lĩnh vực {fvi.lower()} tại {p_vi}; "
            f"{team} lao động, ứng dụng công nghệ số vào sản xuất và quản trị.",
            "description_en": f"An innovative SME in {fen.lower()} based in {p_en}, with {team} staff, "
            "using digital technology in production and management.",
        }

    def _spec_incubator(self, rng: random.Random, p_vi: str, p_en: str) -> dict[str, Any]:
        brand_vi, brand_en = self._brand(rng)
        theme = rng.choice(THEMES)
        options = [
            (f"Vườn ươm Doanh nghiệp Công nghệ cao {p_vi}", f"{p_en} High-Tech Business Incubator"),
            (
                f"Vườn ươm Doanh nghiệp Nông nghiệp Công nghệ cao {p_vi}",
                f"{p_en} Agri-Tech Business Incubator",
            ),
            (f"Vườn ươm Khởi nghiệp {brand_vi}", f"{brand_en} Startup Incubator"),
            (
                f"Trung tâm Ươm tạo Doanh nghiệp {theme.vi} {brand_vi}",
                f"{brand_en} {theme.en} Incubation Center",
            ),
        ]
        vi, en = rng.choice(options)
        return {
            "name_vi": vi,
            "name_en": en,
            "theme": theme,
            "domain": self._domain(rng, brand_en, "incubator"),
            "founded": rng.randint(2005, LAST_YEAR - 1),
            "team_size": rng.randint(5, 40),
            "sectors": ("70", "82"),
            "tags": ("Ươm tạo", "Khởi nghiệp", theme.tags[0]),
        }

    def _spec_accelerator(self, rng: random.Random, p_vi: str, p_en: str) -> dict[str, Any]:
        brand_vi, brand_en = self._brand(rng)
        theme = rng.choice(THEMES)
        vi, en = rng.choice(
            [
                (f"Công ty Cổ phần Thúc đẩy Khởi nghiệp {brand_vi}", f"{brand_en} Accelerator JSC"),
                (f"Chương trình Tăng tốc {brand_vi} {theme.vi}", f"{brand_en} {theme.en} Accelerator"),
            ]
        )
        return {
            "name_vi": vi,
            "name_en": en,
            "theme": theme,
            "domain": self._domain(rng, brand_en, "accelerator"),
            "founded": rng.randint(2014, LAST_YEAR - 1),
            "team_size": rng.randint(4, 25),
            "sectors": ("70", "64"),
            "tags": ("Ươm tạo", "Đầu tư mạo hiểm", theme.tags[0]),
        }

    def _spec_coworking(self, rng: random.Random, p_vi: str, p_en: str) -> dict[str, Any]:
        brand_vi, brand_en = self._brand(rng)
        vi, en = rng.choice(
            [
                (f"Không gian Làm việc Chung {brand_vi}", f"{brand_en} Co-working Space"),
                (f"Không gian Sáng tạo {brand_vi} Hub", f"{brand_en} Hub Creative Space"),
                (f"Không gian Đổi mới Sáng tạo {p_vi}", f"{p_en} Innovation Space"),
            ]
        )
        return {
            "name_vi": vi,
            "name_en": en,
            "domain": self._domain(rng, brand_en, "space"),
            "founded": rng.randint(2012, LAST_YEAR - 1),
            "team_size": rng.randint(3, 20),
            "sectors": ("68", "82"),
            "tags": ("Khởi nghiệp",),
        }

    def _spec_university(self, rng: random.Random, p_vi: str, p_en: str) -> dict[str, Any]:
        fvi, fen = rng.choice(UNIVERSITY_FIELDS)
        vi, en = rng.choice(
            [
                (f"Trường Đại học {fvi} {p_vi}", f"{p_en} University of {fen}"),
                (f"Trường Cao đẳng {fvi} {p_vi}", f"{p_en} College of {fen}"),
            ]
        )
        return {
            "name_vi": vi,
            "name_en": en,
            "domain": _acronym_domain(en, ".edu.vn"),
            "founded": rng.randint(1956, 2012),
            "team_size": rng.randint(300, 3000),
            "sectors": ("85",),
            "tags": ("Chuyển giao công nghệ",),
            "description_vi": f"Cơ sở đào tạo và nghiên cứu về {fvi.lower()} tại {p_vi}; có vườn ươm và "
            "câu lạc bộ khởi nghiệp cho sinh viên, thương mại hóa kết quả nghiên cứu.",
            "description_en": f"A teaching and research institution in {fen.lower()} in {p_en}, with a "
            "student incubator and startup club; commercialises research results.",
        }

    def _spec_research_institute(self, rng: random.Random, p_vi: str, p_en: str) -> dict[str, Any]:
        fvi, fen, sectors = rng.choice(RESEARCH_FIELDS)
        vi, en = rng.choice(
            [(f"Viện {fvi} {p_vi}", f"{p_en} Institute of {fen}"), (f"Phân viện {fvi} tại {p_vi}", f"Institute of {fen}, {p_en} Branch")]
        )  # fmt: skip
        return {
            "name_vi": vi,
            "name_en": en,
            "domain": _acronym_domain(en, ".ac.vn"),
            "founded": rng.randint(1960, 2020),
            "team_size": rng.randint(20, 400),
            "sectors": sectors,
            "tags": ("Chuyển giao công nghệ",),
            "description_vi": f"Viện nghiên cứu về {fvi.lower()}; nhận đặt hàng nghiên cứu, chuyển giao công "
            "nghệ và định giá kết quả nghiên cứu cho doanh nghiệp.",
            "description_en": f"A research institute in {fen.lower()}; takes commissioned R&D, transfers "
            "technology and values research results for companies.",
        }

    def _spec_investor(self, rng: random.Random, p_vi: str, p_en: str) -> dict[str, Any]:
        brand_vi, brand_en = self._brand(rng)
        kind_vi, kind_en = rng.choice(
            [("Khởi nghiệp", "Startup"), ("Mạo hiểm", "Venture"), ("Đổi mới Sáng tạo", "Innovation"), ("Tăng trưởng", "Growth")]
        )  # fmt: skip
        vi, en = rng.choice(
            [
                (f"Quỹ Đầu tư {kind_vi} {brand_vi}", f"{brand_en} {kind_en} Fund"),
                (f"Công ty Cổ phần Quản lý Quỹ {brand_vi} Capital", f"{brand_en} Capital Management JSC"),
                (f"Mạng lưới Nhà đầu tư Thiên thần {brand_vi}", f"{brand_en} Angels Network"),
            ]
        )
        return {
            "name_vi": vi,
            "name_en": en,
            "domain": self._domain(rng, brand_en, "capital"),
            "founded": rng.randint(2008, LAST_YEAR - 1),
            "team_size": rng.randint(3, 30),
            "funding": Decimal(rng.choice([50, 100, 250, 500, 1000])) * 1_000_000_000,
            "sectors": ("64", "66"),
            "tags": ("Đầu tư mạo hiểm",),
            "description_vi": f"{vi} đầu tư vòng hạt giống và series A vào các doanh nghiệp khởi nghiệp đổi mới "
            "sáng tạo Việt Nam; hỗ trợ cố vấn chiến lược và kết nối thị trường.",
            "description_en": f"{en} invests at seed and series A in Vietnamese innovative startups, with "
            "strategic mentoring and market access.",
        }

    def _spec_corporate(self, rng: random.Random, p_vi: str, p_en: str) -> dict[str, Any]:
        brand_vi, brand_en = self._brand(rng)
        fvi, fen, sectors, tags = rng.choice(SME_FIELDS)
        vi, en = rng.choice(
            [(f"Tập đoàn {brand_vi}", f"{brand_en} Group"), (f"Tổng Công ty {fvi} {brand_vi}", f"{brand_en} {fen} Corporation")]
        )  # fmt: skip
        return {
            "name_vi": vi,
            "name_en": en,
            "domain": self._domain(rng, brand_en, "group"),
            "founded": rng.randint(1975, 2015),
            "team_size": rng.randint(500, 20000),
            "sectors": sectors,
            "tags": (*tags, "Hợp tác quốc tế"),
            "description_vi": f"{vi} tham gia đổi mới sáng tạo mở: đặt bài toán, hợp tác thử nghiệm và đầu tư "
            "vào các doanh nghiệp khởi nghiệp.",
            "description_en": f"{en} practises open innovation: it posts challenges, pilots solutions and "
            "invests in startups.",
        }

    def _spec_association(self, rng: random.Random, p_vi: str, p_en: str) -> dict[str, Any]:
        theme = rng.choice(THEMES)
        vi, en = rng.choice(
            [
                (f"Hiệp hội Doanh nghiệp Khởi nghiệp {p_vi}", f"{p_en} Startup Business Association"),
                (f"Câu lạc bộ Nhà đầu tư Thiên thần {p_vi}", f"{p_en} Angel Investors Club"),
                (f"Hội Doanh nhân Trẻ {p_vi}", f"{p_en} Young Entrepreneurs Association"),
                (f"Hiệp hội Phần mềm và Dịch vụ CNTT {p_vi}", f"{p_en} Software and IT Services Association"),
                (f"Câu lạc bộ Khởi nghiệp {theme.vi} {p_vi}", f"{p_en} {theme.en} Startup Club"),
            ]
        )
        return {
            "name_vi": vi,
            "name_en": en,
            "domain": _acronym_domain(en, ".org.vn"),
            "founded": rng.randint(1995, LAST_YEAR - 1),
            "team_size": rng.randint(3, 15),
            "sectors": ("94",),
            "tags": ("Khởi nghiệp",),
        }

    def _spec_government(self, rng: random.Random, p_vi: str, p_en: str) -> dict[str, Any]:
        vi, en = rng.choice(
            [
                (f"Sở Khoa học và Công nghệ {p_vi}", f"{p_en} Department of Science and Technology"),
                (f"Ban Quản lý Khu Công nghệ cao {p_vi}", f"{p_en} Hi-Tech Park Management Board"),
                (f"Trung tâm Ứng dụng Tiến bộ Khoa học và Công nghệ {p_vi}", f"{p_en} Center for Applied Science and Technology"),
                (f"Quỹ Phát triển Khoa học và Công nghệ {p_vi}", f"{p_en} Science and Technology Development Fund"),
            ]
        )  # fmt: skip
        return {
            "name_vi": vi,
            "name_en": en,
            "domain": _acronym_domain(en, ".gov.vn"),
            "founded": rng.randint(1976, 2010),
            "team_size": rng.randint(20, 200),
            "sectors": ("84",),
            "tags": ("Chuyển giao công nghệ",),
        }

    def _spec_foreign_partner(self, rng: random.Random, p_vi: str, p_en: str) -> dict[str, Any]:
        iso2 = Weighted([(k, v[0]) for k, v in FOREIGN.items()])(rng)
        _w, country_vi, prefixes, suffixes = FOREIGN[iso2]
        en = " ".join(
            w for w in (rng.choice(prefixes), rng.choice(FOREIGN_MIDDLE), rng.choice(suffixes)) if w
        )
        return {
            "name_vi": f"{en} ({country_vi})",
            "name_en": en,
            "country": iso2,
            "domain": self._domain(rng, en, tld=".com"),
            "founded": rng.randint(1995, LAST_YEAR - 1),
            "team_size": rng.randint(5, 120),
            "sectors": ("70", "72"),
            "tags": ("Hợp tác quốc tế",),
            "description_vi": f"Đối tác quốc tế từ {country_vi}: trao đổi khởi nghiệp, đào tạo quản lý vườn ươm "
            "và kết nối đầu tư với các trung tâm hỗ trợ khởi nghiệp Việt Nam.",
            "description_en": f"An international partner from {FOREIGN_EN[iso2]}: startup exchange, incubator "
            "management training and investment links with Vietnamese support centers.",
        }

    @staticmethod
    def _generic_description(
        rng: random.Random, spec: dict[str, Any], p_vi: str, p_en: str
    ) -> tuple[str, str]:
        return (
            f"{spec['name_vi']} hỗ trợ doanh nghiệp khởi nghiệp đổi mới sáng tạo tại {p_vi}: không gian làm "
            "việc, đào tạo, cố vấn và kết nối nhà đầu tư.",
            f"{spec['name_en']} supports innovative startups in {p_en} with work space, training, mentoring "
            "and investor introductions.",
        )

    # -- people ----------------------------------------------------------------------------------

    def build_people(self) -> None:
        from innohub.directory.indexing import person_search_text
        from innohub.directory.models import Person

        rng = stage_rng(self.seed, "people")
        total = round(self.size * PEOPLE_RATIO)
        pick_vis = Weighted(PERSON_VISIBILITY)
        pick_type = Weighted(
            [
                ("founder", 40),
                ("mentor", 25),
                ("researcher", 12),
                ("investor", 8),
                ("overseas", 10),
                ("manager", 5),
            ]
        )
        pick_country = Weighted(OVERSEAS_COUNTRIES)
        pools = {
            "founder": self.by_kind["startup"] + self.by_kind["innovative_sme"],
            "mentor": self.by_kind["corporate"] + self.by_kind["university"] + self.by_kind["investor"],
            "researcher": self.by_kind["university"] + self.by_kind["research_institute"],
            "investor": self.by_kind["investor"],
            "overseas": self.by_kind["foreign_partner"],
            "manager": self.by_kind["incubator"] + self.by_kind["accelerator"] + self.by_kind["coworking"],
        }
        titles = {
            "founder": ["Nhà sáng lập, Giám đốc điều hành", "Đồng sáng lập, Giám đốc công nghệ",
                        "Đồng sáng lập, Giám đốc sản phẩm", "Giám đốc kinh doanh"],
            "mentor": ["Chuyên gia cố vấn khởi nghiệp", "Cố vấn chiến lược", "Chuyên gia tài chính",
                       "Chuyên gia sở hữu trí tuệ", "Chuyên gia chuyển đổi số"],
            "researcher": ["PGS.TS, Giảng viên cao cấp", "TS, Nghiên cứu viên chính", "GS.TS, Trưởng phòng thí nghiệm",
                           "ThS, Nghiên cứu viên"],
            "investor": ["Đối tác điều hành", "Giám đốc đầu tư", "Nhà đầu tư thiên thần"],
            "overseas": ["Senior Engineer", "Research Scientist", "Product Director", "Startup Founder",
                         "Professor"],
            "manager": ["Quản lý chương trình ươm tạo", "Giám đốc vườn ươm", "Điều phối viên cộng đồng"],
        }  # fmt: skip
        slugs = Slugs(set(Person.objects.values_list("slug", flat=True)))
        mentor_users = [u for e, u in sorted(self.users.items()) if e.startswith("mentor")]
        people: list[Any] = []
        m2m_sectors: list[tuple[int, list[Any]]] = []
        m2m_tags: list[tuple[int, list[Any]]] = []
        pending: list[tuple[list[Any], list[Any]]] = []
        self.founders = []
        self.mentors = []

        def flush() -> None:
            created = Person.objects.bulk_create(people)
            for obj, (sectors, tags) in zip(created, pending, strict=True):
                m2m_sectors.append((obj.pk, sectors))
                m2m_tags.append((obj.pk, tags))
            people.clear()
            pending.clear()

        for i in range(total):
            ptype = pick_type(rng)
            pool = pools[ptype]
            info = rng.choice(pool) if pool and (ptype != "mentor" or rng.random() < 0.7) else None
            org = info.obj if info is not None else None
            full_name, _female = person_name(rng)
            overseas = ptype == "overseas"
            country_iso = pick_country(rng) if overseas else "VN"
            if overseas and rng.random() < 0.3:
                parts = full_name.split(" ")  # abroad, often "Kevin Minh Nguyễn": given names first
                full_name = f"{rng.choice(OVERSEAS_GIVEN)} {parts[-1]} {parts[0]}"
            province = None if overseas else (org.province if org is not None and org.province_id else None)
            if province is None and not overseas:
                province = rng.choice(self.tax.provinces)
            center = org.center if org is not None else self.owner_center(province)
            theme = rng.choice(THEMES)
            if info is not None and info.theme is not None:
                theme = info.theme  # a founder works in the field of their startup
            title = rng.choice(titles[ptype])
            bio_vi, bio_en = self._bio(rng, ptype, theme, org, country_iso)
            ascii_full = ascii_name(full_name).lower().split(" ")
            domain = org.website.removeprefix("https://") if org is not None and org.website else "example.vn"
            person = Person(
                uuid=det_uuid(rng),
                center=center,
                full_name=full_name,
                slug=slugs(full_name),
                title=title,
                organisation=org,
                bio_vi=bio_vi,
                bio_en=bio_en,
                email=f"{ascii_full[-1]}.{ascii_full[0]}{i}@{domain}",
                phone=validate_phone(f"+849{rng.randrange(10000000, 89999999)}") if not overseas else "",
                province=province,
                country=self.tax.country_by_iso2.get(country_iso),
                is_overseas_vietnamese=overseas,
                linkedin=f"https://www.linkedin.com/in/{'-'.join(ascii_full)}-{i}"
                if rng.random() < 0.4
                else "",
                visibility=pick_vis(rng),
                created_by=self.staff_of.get(center.pk),
            )
            if ptype == "mentor" and mentor_users:  # the first mentor profiles belong to the mentor accounts
                person.user = mentor_users.pop(0)
            tags = [self.tags[t] for t in theme.tags[:2] if t in self.tags]
            if overseas and "Kiều bào" in self.tags:
                tags.append(self.tags["Kiều bào"])
            tags.sort(key=lambda t: t.name)
            sectors = self.tax.sectors_for(theme.sectors[:1], rng)
            person.search_text = person_search_text(person, tag_names=[t.name for t in tags])
            person.name_key = fold(full_name)
            people.append(person)
            pending.append((sectors, tags))
            if ptype == "founder":
                self.founders.append(person)
            elif ptype in ("mentor", "investor"):
                self.mentors.append((ptype, person))
            if len(people) >= BATCH:
                flush()
        if people:
            flush()
        self._bulk_m2m(Person.sectors.through, "person", "sector", m2m_sectors)
        self._bulk_m2m(Person.tags.through, "person", "tag", m2m_tags)
        self.result.people = total
        self._say(f"{total} people")

    @staticmethod
    def _bio(rng: random.Random, ptype: str, theme: Theme, org: Any, iso2: str) -> tuple[str, str]:
        years = rng.randint(5, 25)
        org_vi = f" tại {org.name_vi}" if org is not None else ""
        org_en = f" at {org.name_en or org.name_vi}" if org is not None else ""
        if ptype == "overseas":
            return (
                f"Chuyên gia người Việt tại {OVERSEAS_VI.get(iso2, iso2)} với {years} năm kinh nghiệm về "
                f"{theme.en}; sẵn sàng cố vấn từ xa cho các doanh nghiệp khởi nghiệp trong nước.",
                f"Overseas Vietnamese expert in {FOREIGN_EN.get(iso2, iso2)} with {years} years in "
                f"{theme.en}; mentors Vietnamese startups remotely.",
            )
        return (
            f"{years} năm kinh nghiệm trong lĩnh vực {theme.vi}{org_vi}. Quan tâm đến khởi nghiệp đổi mới sáng "
            "tạo và chuyển giao công nghệ.",
            f"{years} years of experience in {theme.en}{org_en}. Interested in innovative startups and "
            "technology transfer.",
        )

    # -- relations -------------------------------------------------------------------------------

    def build_relations(self) -> None:
        from innohub.directory.models import OrganisationRelation

        rng = stage_rng(self.seed, "relations")
        seen: set[tuple[int, int, str]] = set()
        rows: list[Any] = []

        def add(source: _Org, target: _Org | None, kind: str) -> None:
            if target is None or source.obj.pk == target.obj.pk:
                return
            key = (source.obj.pk, target.obj.pk, kind)
            if key in seen:
                return
            seen.add(key)
            start = max(source.obj.founded_year or 2015, target.obj.founded_year or 2015)
            rows.append(
                OrganisationRelation(
                    source=source.obj,
                    target=target.obj,
                    kind=kind,
                    since_year=rng.randint(min(start, LAST_YEAR), LAST_YEAR),
                )
            )

        # Pools by province make "near" cheap at 100,000 organisations.
        incubators = self.by_kind["incubator"] + self.by_kind["university"]
        accelerators = self.by_kind["accelerator"]
        associations = self.by_kind["association"]
        by_province = {
            name: _index_by_province(pool)
            for name, pool in (("inc", incubators), ("acc", accelerators), ("assoc", associations))
        }

        def near_fast(name: str, pool: list[_Org], source: _Org) -> _Org | None:
            if not pool:
                return None
            local = by_province[name].get(source.obj.province_id)
            if local and rng.random() < 0.7:
                return rng.choice(local)
            return rng.choice(pool)

        for org in self.by_kind["startup"]:
            r = rng.random()
            if r < 0.35:
                add(org, near_fast("inc", incubators, org), "incubated_by")
            if rng.random() < 0.12:
                add(org, near_fast("acc", accelerators, org), "alumni_of")
            if rng.random() < 0.2:
                add(org, near_fast("assoc", associations, org), "member_of")
        for org in self.by_kind["innovative_sme"]:
            if rng.random() < 0.25:
                add(org, near_fast("assoc", associations, org), "member_of")
        startups = self.by_kind["startup"]
        for investor in (
            self.by_kind["investor"] + self.by_kind["corporate"][: len(self.by_kind["corporate"]) // 3]
        ):
            if not startups:
                break
            for _ in range(rng.randint(1, 8)):
                add(investor, rng.choice(startups), "invested_in")
        for partner in self.by_kind["foreign_partner"]:
            if rng.random() < 0.3:
                add(partner, near_fast("assoc", associations, partner), "member_of")
        OrganisationRelation.objects.bulk_create(rows, batch_size=5000)
        self.result.relations = len(rows)
        self._say(f"{len(rows)} relations")

    def build_person_relations(self) -> None:
        """A few mentors, advisers and angel investors tied to startups, so the organisation and person
        pages show them and the selection can detect mentor conflicts. Its own random stream: the
        other stages do not change."""
        from innohub.directory.models import PersonRelation, PersonRelationKind

        rng = stage_rng(self.seed, "person-relations")
        startups = self.by_kind["startup"]
        if not startups or not self.mentors:
            return
        count = min(len(self.mentors), max(3, self.size // 100))
        rows: list[Any] = []
        seen: set[tuple[int, int, str]] = set()
        for ptype, person in self.mentors[:count]:
            if ptype == "investor":
                kinds = [PersonRelationKind.INVESTOR_OF]
            else:
                kinds = [PersonRelationKind.MENTOR_OF] * 4 + [PersonRelationKind.ADVISOR_OF]
            for _ in range(rng.randint(1, 3)):
                startup = rng.choice(startups).obj
                kind = rng.choice(kinds)
                if (person.pk, startup.pk, kind) in seen:
                    continue
                seen.add((person.pk, startup.pk, kind))
                since = rng.randint(min(startup.founded_year or 2018, LAST_YEAR), LAST_YEAR)
                ended = rng.random() < 0.2 and since < LAST_YEAR
                rows.append(
                    PersonRelation(
                        person=person,
                        organisation=startup,
                        kind=kind,
                        since_year=since,
                        until_year=rng.randint(since, LAST_YEAR) if ended else None,
                    )
                )
        PersonRelation.objects.bulk_create(rows)
        self.result.person_relations = len(rows)
        self._say(f"{len(rows)} mentor, adviser and investor ties")

    # -- organisation members and claims ----------------------------------------------------------

    def build_members_and_claims(self) -> None:
        from innohub.accounts.models import Membership
        from innohub.directory.models import ClaimRequest, OrganisationMember, Person

        rng = stage_rng(self.seed, "members")
        startup_users = [u for e, u in sorted(self.users.items()) if e.startswith("startup")]
        startups = [o.obj for o in self.by_kind["startup"]]
        if not startups:
            return
        # Each startup account owns one startup of the center it is a member of (when there is one).
        center_of = {m.user_id: m.center_id for m in Membership.objects.filter(user__in=startup_users)}
        by_center: dict[int, list[Any]] = defaultdict(list)
        for o in startups:
            by_center[o.center_id].append(o)
        owned: list[Any] = []
        owned_pks: set[int] = set()
        for user in startup_users:
            local = [o for o in by_center.get(center_of.get(user.pk, 0), []) if o.pk not in owned_pks]
            pool = local or [o for o in startups if o.pk not in owned_pks]
            if not pool:
                break
            owned.append(rng.choice(pool))
            owned_pks.add(owned[-1].pk)
        members = [
            OrganisationMember(organisation=org, user=user, role=OrganisationMember.Role.OWNER)
            for user, org in zip(startup_users, owned, strict=False)
        ]
        OrganisationMember.objects.bulk_create(members)
        # The founder profile of an owned startup is the owner's own person record.
        founders_by_org: dict[int, Any] = {}
        for person in self.founders:
            founders_by_org.setdefault(person.organisation_id, person)
        linked = []
        for m in members:
            person = founders_by_org.get(m.organisation.pk)
            if person is not None and person.user_id is None:
                person.user = m.user
                linked.append(person)
        Person.objects.bulk_update(linked, ["user"])

        candidates = [o for o in startups if o.pk not in owned_pks and o.visibility == "public"]
        n_claims = min(len(candidates), max(3, self.size // 200))
        claims = [
            ClaimRequest(
                uuid=det_uuid(rng),
                organisation=org,
                user=startup_users[i % len(startup_users)],
                message=rng.choice(
                    [
                        "Tôi là nhà sáng lập của doanh nghiệp này và muốn cập nhật hồ sơ.",
                        "Tôi phụ trách truyền thông của công ty, xin quyền quản lý trang.",
                        "I am the CEO of this company and would like to manage its profile.",
                    ]
                ),
            )
            for i, org in enumerate(rng.sample(candidates, n_claims))
        ]
        if startup_users:
            ClaimRequest.objects.bulk_create(claims)
            self.result.claims = len(claims)

    # -- news (only when the content app is installed) -------------------------------------------

    def build_news(self) -> None:
        """A few published news articles per center, through the content app's services, when that
        app is installed (it is optional for the demo)."""
        from django.apps import apps

        if not apps.is_installed("innohub.content"):
            return
        try:
            from innohub.content.services import create_news_article, publish_news_article
        except ImportError:  # pragma: no cover - the app is declared but not importable
            return
        import datetime as dt

        rng = stage_rng(self.seed, "news")
        base = dt.datetime(2025, 6, 1, 8, 0, tzinfo=dt.UTC)
        stories = [
            ("Khai mạc Techfest %(where)s %(year)s", "Techfest %(where_en)s %(year)s opens",
             "Hơn %(n)s doanh nghiệp khởi nghiệp trưng bày sản phẩm, gặp gỡ nhà đầu tư và chuyên gia.",
             "More than %(n)s startups show their products and meet investors and experts."),
            ("Trao đổi khởi nghiệp Việt Nam – Hàn Quốc năm %(year)s", "Vietnam–Korea startup exchange %(year)s",
             "%(n)s doanh nghiệp khởi nghiệp được chọn tham gia chương trình trao đổi hai chiều.",
             "%(n)s startups were selected for the two-way exchange programme."),
            ("Mở đơn chương trình ươm tạo khóa %(n)s tại %(where)s", "Applications open for incubation cohort %(n)s in %(where_en)s",
             "Chương trình kéo dài sáu tháng với cố vấn chuyên gia, không gian làm việc và kết nối đầu tư.",
             "The six-month programme offers expert mentors, work space and investor introductions."),
            ("Hội thảo sở hữu trí tuệ cho doanh nghiệp khởi nghiệp tại %(where)s", "IP workshop for startups in %(where_en)s",
             "Chuyên gia hướng dẫn đăng ký nhãn hiệu, sáng chế và định giá tài sản trí tuệ.",
             "Experts explain trademark and patent filing and IP valuation."),
            ("Kết nối cung – cầu công nghệ %(where)s %(year)s", "Technology supply–demand fair %(where_en)s %(year)s",
             "%(n)s công nghệ được giới thiệu tới doanh nghiệp địa phương.",
             "%(n)s technologies were presented to local companies."),
        ]  # fmt: skip
        centers = [c for c in self.centers.values() if c.kind in ("national", "regional", "provincial")]
        count = min(40, max(8, self.size // 100))
        for i in range(count):
            center = centers[i % len(centers)]
            t_vi, t_en, s_vi, s_en = rng.choice(stories)
            spec = self.tax.spec_of(center.province) if center.province_id else None
            where_en, where_vi = (spec[2], spec[3]) if spec else ("Vietnam", "Việt Nam")
            fill = {
                "where": where_vi,
                "where_en": where_en,
                "year": rng.choice([2024, 2025]),
                "n": rng.choice([12, 20, 35, 50, 120]),
            }
            published = base + dt.timedelta(days=rng.randint(0, 150), hours=rng.randint(0, 9))
            actor = self.staff_of.get(center.pk)
            article = create_news_article(
                actor=actor,
                center=center,
                title_vi=t_vi % fill,
                title_en=t_en % fill,
                summary_vi=s_vi % fill,
                summary_en=s_en % fill,
                body_vi=f"<p>{s_vi % fill}</p><p>Thông tin chi tiết do {center.name_vi} cung cấp.</p>",
                body_en=f"<p>{s_en % fill}</p><p>Details from the {center.name_en}.</p>",
                visibility="public",
            )
            publish_news_article(article, actor=actor, published_at=published)
        self.result.news = count


OVERSEAS_VI = {"US": "Hoa Kỳ", "JP": "Nhật Bản", "KR": "Hàn Quốc", "DE": "Đức", "FR": "Pháp", "AU": "Úc",
               "SG": "Singapore", "CA": "Canada", "GB": "Vương quốc Anh", "FI": "Phần Lan", "IL": "Israel"}  # fmt: skip
FOREIGN_EN = {"KR": "Korea", "IL": "Israel", "SG": "Singapore", "TH": "Thailand", "ID": "Indonesia",
              "MY": "Malaysia", "PH": "the Philippines", "KH": "Cambodia", "LA": "Laos", "MM": "Myanmar",
              "US": "the United States", "JP": "Japan", "DE": "Germany", "FR": "France", "AU": "Australia",
              "CA": "Canada", "GB": "the United Kingdom", "FI": "Finland"}  # fmt: skip


@contextmanager
def _no_query_log() -> Iterator[None]:
    """Under DEBUG (manage.py's dev settings) Django logs every query and, on SQLite, quotes every
    parameter of it with an extra query: a third of the generator's time. It is not needed here."""
    debug = settings.DEBUG
    settings.DEBUG = False
    try:
        yield
    finally:
        settings.DEBUG = debug


class _IndexView:
    """The organisation as indexing.organisation_search_text sees it, with the kind label precomputed."""

    def __init__(self, org: Any, kind_label: str) -> None:
        self._org = org
        self._kind_label = kind_label

    def __getattr__(self, name: str) -> Any:
        return getattr(self._org, name)

    def get_kind_display(self) -> str:
        return self._kind_label


_SMALL_WORDS = {"of", "and", "the", "for"}


def _acronym_domain(name_en: str, tld: str) -> str:
    """ "Da Nang University of Economics" → "dnue.edu.vn", the way public bodies name their sites."""
    words = [w for w in ascii_name(name_en).replace(",", " ").split() if w.lower() not in _SMALL_WORDS]
    return "".join(w[0] for w in words if w[0].isalnum()).lower() + tld


def _index_by_province(pool: list[_Org]) -> dict[int | None, list[_Org]]:
    out: dict[int | None, list[_Org]] = defaultdict(list)
    for o in pool:
        out[o.obj.province_id].append(o)
    return out


def generate(
    *, size: int = DEFAULT_SIZE, seed: int = DEFAULT_SEED, progress: ProgressFn | None = None
) -> DemoResult:
    """Fill an empty directory with the demo ecosystem. Same seed and size → same data."""
    return DemoBuilder(size=size, seed=seed, progress=progress).run()


def demo_fingerprint() -> str:
    """A hash of what the demo generated that does not depend on database ids: two databases filled
    with the same seed have the same fingerprint (used by the determinism test)."""
    import hashlib

    from innohub.directory.models import Organisation, Person

    h = hashlib.sha256()
    # Sorted in Python: database collations order the same strings differently.
    orgs = Organisation.objects.values_list(
        "slug", "name_vi", "name_en", "tax_code", "kind", "province__code", "visibility", "uuid"
    )
    for row in sorted(orgs, key=lambda r: r[0]):
        h.update(repr(row).encode())
    people = Person.objects.values_list("slug", "full_name", "organisation__slug", "uuid")
    for person in sorted(people, key=lambda r: r[0]):
        h.update(repr(person).encode())
    return h.hexdigest()
