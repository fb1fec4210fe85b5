"""Demo programmes: six programmes of the seed network (incubation, acceleration, the Vietnam–Korea startup
exchange, a TIPS-like co-investment programme, a Techfest competition and the selection of participating
units), each with a closed call under review and an open one, bilingual application forms and about sixty
submitted applications — deterministic from the seed (only the dates follow the clock: calls are open
*now*).

Everything is written through the services, as a user would write it (actor None: the demo is trusted),
so the eligibility checks, versions, references and the audit trail are real.

    create_demo_programmes(seed, centers, organisations, users)

`centers`, `organisations` and `users` are the demo's records (lists, querysets or dicts of them).
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
import time
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.utils import timezone

from innohub.core.errors import DomainError
from innohub.programs import eligibility
from innohub.programs.models import Application, Call, FieldKind, ProgrammeKind
from innohub.programs.services import applications as app_services
from innohub.programs.services import calls as call_services
from innohub.programs.services import forms as form_services
from innohub.programs.services import programmes as programme_services

#: submitted applications per closed call / open call (≈ 60 in all, fewer if the directory is small)
CLOSED_APPLICATIONS = 6
OPEN_APPLICATIONS = 4
DRAFTS_PER_OPEN_CALL = 1


@dataclass
class DemoProgrammesResult:
    seed: int
    programmes: int = 0
    calls: int = 0
    questions: int = 0
    applications: int = 0
    drafts: int = 0
    seconds: float = 0.0


def _values(items: Any) -> list[Any]:
    if items is None:
        return []
    if isinstance(items, Mapping):
        return list(items.values())
    return list(items)


# --- what the programmes look like ----------------------------------------------------------------

YES_NO = [
    {"value": "yes", "label_vi": "Có", "label_en": "Yes"},
    {"value": "no", "label_vi": "Chưa", "label_en": "Not yet"},
]

SectionSpec = tuple[tuple[str, str], list[dict[str, Any]]]

GENERAL: SectionSpec = (
    ("Thông tin chung", "General information"),
    [
        dict(key="project_name", kind=FieldKind.TEXT, label_vi="Tên dự án / sản phẩm", label_en="Project or product name", required=True, options={"max_length": 200}),
        dict(key="summary", kind=FieldKind.LONG_TEXT, label_vi="Tóm tắt ý tưởng và vấn đề giải quyết", label_en="Summary: the idea and the problem it solves", required=True, options={"max_length": 3000}),
        dict(key="team", kind=FieldKind.TEAM, label_vi="Đội ngũ sáng lập", label_en="Founding team", required=True, options={"min": 1, "max": 10}),
        dict(key="has_revenue", kind=FieldKind.CHOICE, label_vi="Sản phẩm đã có khách hàng trả tiền chưa?", label_en="Do paying customers use the product?", required=True, options={"choices": YES_NO, "widget": "radio"}),
        dict(key="revenue", kind=FieldKind.MONEY, label_vi="Doanh thu 12 tháng gần nhất", label_en="Revenue over the last 12 months", required=True, options={"currency": "VND"}, condition={"field": "has_revenue", "equals": "yes"}),
    ],
)  # fmt: skip

MARKET: SectionSpec = (
    ("Thị trường và kế hoạch", "Market and plans"),
    [
        dict(key="market", kind=FieldKind.LONG_TEXT, label_vi="Thị trường mục tiêu và đối thủ", label_en="Target market and competitors", required=True),
        dict(key="funding_needed", kind=FieldKind.MONEY, label_vi="Nhu cầu vốn", label_en="Funding needed", options={"currencies": ["VND", "USD"]}),
        dict(key="launch_date", kind=FieldKind.DATE, label_vi="Ngày ra mắt sản phẩm (dự kiến)", label_en="Product launch date (planned)"),
        dict(key="pitch_deck", kind=FieldKind.FILE, label_vi="Bài thuyết trình (pitch deck)", label_en="Pitch deck", options={"types": ["pdf", "pptx"], "max_mb": 10, "max_files": 1}),
    ],
)  # fmt: skip

EXTRA: dict[str, SectionSpec] = {
    ProgrammeKind.EXCHANGE: (
        ("Trao đổi tại Hàn Quốc", "Exchange in Korea"),
        [
            dict(key="korea_plan", kind=FieldKind.LONG_TEXT, label_vi="Kế hoạch phát triển tại thị trường Hàn Quốc", label_en="Plans for the Korean market", required=True),
            dict(key="english_level", kind=FieldKind.CHOICE, label_vi="Trình độ tiếng Anh của người đại diện", label_en="English of the representative", required=True, options={"choices": [
                {"value": "basic", "label_vi": "Cơ bản", "label_en": "Basic"},
                {"value": "working", "label_vi": "Làm việc được", "label_en": "Working"},
                {"value": "fluent", "label_vi": "Thành thạo", "label_en": "Fluent"}]}),
        ],
    ),
    ProgrammeKind.CO_INVESTMENT: (
        ("Nhà đầu tư dẫn dắt", "Lead investor"),
        [
            dict(key="lead_investor", kind=FieldKind.ORGANISATION, label_vi="Quỹ đầu tư dẫn dắt (trong danh bạ)", label_en="Lead investor (from the directory)", required=True),
            dict(key="investment", kind=FieldKind.MONEY, label_vi="Số vốn nhà đầu tư cam kết", label_en="Amount committed by the investor", required=True, options={"currencies": ["VND", "USD", "KRW"], "min": 0}),
        ],
    ),
    ProgrammeKind.COMPETITION: (
        ("Hạng mục dự thi", "Competition tracks"),
        [
            dict(key="tracks", kind=FieldKind.MULTI_CHOICE, label_vi="Hạng mục đăng ký", label_en="Tracks", required=True, options={"max_selected": 2, "choices": [
                {"value": "ai", "label_vi": "Trí tuệ nhân tạo", "label_en": "Artificial intelligence"},
                {"value": "agritech", "label_vi": "Nông nghiệp công nghệ cao", "label_en": "Agritech"},
                {"value": "greentech", "label_vi": "Công nghệ xanh", "label_en": "Green technology"},
                {"value": "social", "label_vi": "Tác động xã hội", "label_en": "Social impact"}]}),
        ],
    ),
    ProgrammeKind.UNIT_SELECTION: (
        ("Năng lực đơn vị", "Capability of the unit"),
        [
            dict(key="incubation_years", kind=FieldKind.NUMBER, label_vi="Số năm kinh nghiệm ươm tạo", label_en="Years of incubation experience", required=True, options={"min": 0, "max": 50, "integer": True}),
            dict(key="incubated_count", kind=FieldKind.NUMBER, label_vi="Số startup đã ươm tạo", label_en="Startups incubated so far", required=True, options={"min": 0, "integer": True}),
            dict(key="network", kind=FieldKind.LONG_TEXT, label_vi="Mạng lưới chuyên gia, nhà đầu tư và doanh nghiệp", label_en="Network of experts, investors and companies", required=True),
            dict(key="international", kind=FieldKind.LONG_TEXT, label_vi="Kinh nghiệm hợp tác quốc tế", label_en="International experience"),
            dict(key="research_capacity", kind=FieldKind.CHOICE, label_vi="Năng lực nghiên cứu", label_en="Research capacity", required=True, options={"choices": [
                {"value": "low", "label_vi": "Hạn chế", "label_en": "Limited"},
                {"value": "medium", "label_vi": "Trung bình", "label_en": "Medium"},
                {"value": "high", "label_vi": "Mạnh", "label_en": "Strong"}]}),
        ],
    ),
}  # fmt: skip

STARTUP_KINDS = ["startup", "innovative_sme"]
UNIT_KINDS = ["incubator", "accelerator", "university", "coworking", "research_institute"]

# kind, center slugs (first found), vi title, en title, summary vi/en, eligibility, quotas, budget
PROGRAMMES: list[dict[str, Any]] = [
    {
        "kind": ProgrammeKind.INCUBATION,
        "centers": ["ha-noi", "mien-bac", "nssc"],
        "title_vi": "Chương trình Ươm tạo Khởi nghiệp Hà Nội",
        "title_en": "Hanoi Startup Incubation Programme",
        "summary_vi": "Sáu tháng ươm tạo: không gian làm việc, cố vấn, kết nối nhà đầu tư cho startup giai đoạn sớm.",
        "summary_en": "Six months of incubation: workspace, mentors and investor introductions for early-stage startups.",
        "eligibility": {
            "organisation_kinds": STARTUP_KINDS,
            "stages": ["idea", "prototype", "mvp"],
            "founded_year": {"min": 2019},
        },
        "quotas": [],
        "budget": (3_000_000_000, "VND"),
        "call_vi": ("Kêu gọi ươm tạo", "Incubation call"),
    },
    {
        "kind": ProgrammeKind.ACCELERATION,
        "centers": ["tp-hcm", "mien-nam", "nssc"],
        "title_vi": "Chương trình Tăng tốc Khởi nghiệp SIHUB",
        "title_en": "SIHUB Startup Acceleration Programme",
        "summary_vi": "Tăng tốc 12 tuần cho startup đã có sản phẩm và khách hàng đầu tiên.",
        "summary_en": "A 12-week accelerator for startups with a product and first customers.",
        "eligibility": {
            "organisation_kinds": STARTUP_KINDS,
            "stages": ["mvp", "early", "growth"],
            "team_size": {"min": 2},
        },
        "quotas": [],
        "budget": (5_000_000_000, "VND"),
        "call_vi": ("Tuyển chọn tăng tốc", "Acceleration intake"),
    },
    {
        "kind": ProgrammeKind.EXCHANGE,
        "centers": ["k-startup-hanoi", "nssc"],
        "title_vi": "Trao đổi Khởi nghiệp Việt Nam – Hàn Quốc",
        "title_en": "Vietnam–Korea Startup Exchange",
        "summary_vi": "Chương trình trao đổi hai chiều hằng năm theo Bản ghi nhớ 2024: đưa startup Việt Nam sang Hàn Quốc.",
        "summary_en": "The yearly two-way exchange under the 2024 MOU: Vietnamese startups go to Korea.",
        "eligibility": {
            "organisation_kinds": STARTUP_KINDS,
            "stages": ["prototype", "mvp", "early", "growth"],
            "exclude_previous_participants": True,
        },
        "quotas": [
            {
                "code": "outside_hn_hcm",
                "label_vi": "Ngoài Hà Nội và TP.HCM",
                "label_en": "Outside Hanoi and HCMC",
                "min_share": 0.5,
                "province_codes_not_in": ["01", "79"],
            }
        ],
        "budget": (1_200_000_000, "KRW"),
        "languages": ["vi", "en", "ko"],
        "call_vi": ("Tuyển chọn đoàn trao đổi", "Exchange delegation selection"),
    },
    {
        "kind": ProgrammeKind.CO_INVESTMENT,
        "centers": ["nssc"],
        "title_vi": "Chương trình Đồng đầu tư kiểu TIPS",
        "title_en": "TIPS-style Co-investment Programme",
        "summary_vi": "Nhà nước đồng đầu tư cùng quỹ đầu tư dẫn dắt vào startup công nghệ sâu.",
        "summary_en": "Public co-investment alongside a lead investor in deep-tech startups.",
        "eligibility": {"organisation_kinds": STARTUP_KINDS, "stages": ["mvp", "early", "growth", "scale"]},
        "quotas": [],
        "budget": (20_000_000_000, "VND"),
        "call_vi": ("Đợt đồng đầu tư", "Co-investment round"),
    },
    {
        "kind": ProgrammeKind.COMPETITION,
        "centers": ["da-nang", "mien-trung", "nssc"],
        "title_vi": "Cuộc thi Khởi nghiệp Techfest",
        "title_en": "Techfest Startup Competition",
        "summary_vi": "Cuộc thi thường niên trong khuôn khổ Techfest: vòng loại vùng và chung kết quốc gia.",
        "summary_en": "The yearly Techfest competition: regional heats and a national final.",
        "eligibility": {"organisation_kinds": STARTUP_KINDS},
        "quotas": [
            {
                "code": "central_region",
                "label_vi": "Khu vực miền Trung",
                "label_en": "Central region",
                "min_share": 0.3,
                "province_codes_in": ["38", "40", "42", "44", "46", "48", "51", "52", "56", "66", "68"],
            }
        ],
        "budget": (1_500_000_000, "VND"),
        "call_vi": ("Đăng ký dự thi", "Competition entry"),
    },
    {
        "kind": ProgrammeKind.UNIT_SELECTION,
        "centers": ["nssc"],
        "title_vi": "Tuyển chọn đơn vị tham gia triển khai Đề án 844",
        "title_en": "Selection of participating units for Scheme 844",
        "summary_vi": "Tuyển chọn và đánh giá các vườn ươm, tổ chức thúc đẩy kinh doanh tham gia triển khai chương trình.",
        "summary_en": "Selection and evaluation of incubators and accelerators that will run the programme.",
        "eligibility": {"organisation_kinds": UNIT_KINDS},
        "quotas": [],
        "budget": (8_000_000_000, "VND"),
        "call_vi": ("Tuyển chọn đơn vị", "Unit selection"),
    },
]

SENTENCES = [
    "Nền tảng số giúp nông dân bán nông sản trực tiếp cho nhà hàng và siêu thị.",
    "Ứng dụng trí tuệ nhân tạo đọc hồ sơ y tế và nhắc lịch tái khám cho bệnh nhân mạn tính.",
    "Thiết bị IoT đo độ mặn nước cho vùng nuôi tôm đồng bằng sông Cửu Long.",
    "Phần mềm quản lý bán hàng cho hộ kinh doanh nhỏ, kết nối hóa đơn điện tử.",
    "Vật liệu sinh học thay thế nhựa dùng một lần từ phụ phẩm bã mía.",
    "Nền tảng học tiếng Anh cho học sinh vùng sâu với giáo viên trực tuyến.",
    "Giải pháp logistics chặng cuối bằng xe điện cho các đô thị loại hai.",
    "Hệ thống thanh toán không tiền mặt cho chợ truyền thống.",
]
ROLES = ["CEO", "CTO", "COO", "Giám đốc sản phẩm", "Trưởng kỹ thuật", "Marketing"]
GIVEN = [
    "An",
    "Bình",
    "Chi",
    "Dũng",
    "Giang",
    "Hà",
    "Hùng",
    "Lan",
    "Linh",
    "Minh",
    "Nam",
    "Phương",
    "Quân",
    "Trang",
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi"]


def _pdf(rng: random.Random) -> bytes:
    """A small, valid one-page PDF (what a pitch deck upload sniffs as PDF)."""
    text = f"Pitch deck {rng.randint(1000, 9999)}"
    stream = f"BT /F1 24 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out


class _Builder:
    def __init__(self, seed: int, centers: list[Any], organisations: list[Any], users: list[Any]):
        self.seed = seed
        self.rng = random.Random(f"innohub-demo:{seed}:programmes")
        self.centers = {c.slug: c for c in sorted(centers, key=lambda c: c.slug)}
        self.organisations = sorted(organisations, key=lambda o: o.slug)
        self.users = users
        self.result = DemoProgrammesResult(seed=seed)
        self.used_slugs: set[str] = set()
        from innohub.directory.models import OrganisationMember

        ids = [o.pk for o in self.organisations]
        self.member_of: dict[int, Any] = {}
        for m in (
            OrganisationMember.objects.filter(organisation_id__in=ids).select_related("user").order_by("id")
        ):
            self.member_of.setdefault(m.organisation_id, m.user)
        self.facts = eligibility.organisation_facts(ids)
        self.investors = [o for o in self.organisations if o.kind == "investor" and o.visibility == "public"]

    def center_for(self, slugs: list[str]) -> Any:
        for slug in slugs:
            if slug in self.centers:
                return self.centers[slug]
        return next(iter(self.centers.values()))

    # -- forms and answers -------------------------------------------------------------------------

    def build_form(self, call: Call, kind: str) -> None:
        sections: list[SectionSpec] = (
            [GENERAL, MARKET] if kind != ProgrammeKind.UNIT_SELECTION else [EXTRA[kind]]
        )
        if kind in EXTRA and kind != ProgrammeKind.UNIT_SELECTION:
            sections.append(EXTRA[kind])
        if kind == ProgrammeKind.UNIT_SELECTION:
            sections.append(MARKET)
        for (title_vi, title_en), fields in sections:
            section = form_services.add_section(call, actor=None, title_vi=title_vi, title_en=title_en)
            for spec in fields:
                if kind == ProgrammeKind.UNIT_SELECTION and spec["key"] in (
                    "market",
                    "funding_needed",
                    "launch_date",
                ):
                    continue
                form_services.add_field(section, actor=None, **spec)
                self.result.questions += 1

    def answers_for(self, call: Call, org: Any) -> dict[str, Any]:
        rng = self.rng
        fields = app_services.form_fields(call)
        out: dict[str, Any] = {}
        for field in fields:
            key = field.key
            if field.kind == FieldKind.TEXT:
                out[key] = (
                    f"{rng.choice(['Dự án', 'Giải pháp', 'Nền tảng'])} {org.name.split()[-1]} {rng.randint(1, 99)}"
                )
            elif field.kind == FieldKind.LONG_TEXT:
                out[key] = " ".join(rng.sample(SENTENCES, 3))
            elif field.kind == FieldKind.TEAM:
                out[key] = [
                    {"name": f"{rng.choice(SURNAMES)} {rng.choice(GIVEN)}", "role": role, "email": ""}
                    for role in rng.sample(ROLES, rng.randint(1, 4))
                ]
            elif field.kind == FieldKind.CHOICE:
                out[key] = rng.choice([c["value"] for c in field.options["choices"]])
            elif field.kind == FieldKind.MULTI_CHOICE:
                values = [c["value"] for c in field.options["choices"]]
                out[key] = rng.sample(
                    values, rng.randint(1, field.options.get("max_selected") or len(values))
                )
            elif field.kind == FieldKind.MONEY:
                currency = (field.options.get("currencies") or [field.options.get("currency") or "VND"])[0]
                scale = 1_000_000 if currency == "VND" else 1_000
                out[key] = {"amount": rng.randint(50, 5000) * scale, "currency": currency}
            elif field.kind == FieldKind.NUMBER:
                low = int(field.options.get("min") or 0)
                high = int(field.options.get("max") or 200)
                out[key] = rng.randint(low, min(high, low + 40))
            elif field.kind == FieldKind.DATE:
                out[key] = (timezone.localdate() + dt.timedelta(days=rng.randint(30, 400))).isoformat()
            elif field.kind == FieldKind.ORGANISATION and self.investors:
                out[key] = rng.choice(self.investors).slug
        return out

    # -- applications --------------------------------------------------------------------------------

    def eligible(self, call: Call, pool: list[Any], taken: set[int]) -> Iterator[Any]:
        for org in pool:
            if org.pk in taken:
                continue
            report = eligibility.check(call, org, facts=self.facts.get(org.pk))
            if not eligibility.failures(report):
                yield org

    def apply(self, call: Call, org: Any, *, submit: bool, with_file: bool) -> Application | None:
        actor = self.member_of.get(org.pk)
        try:
            application = app_services.start_application(call, org, actor=actor)
            application = app_services.save_answers(application, self.answers_for(call, org), actor=actor)
            if with_file:
                upload = ContentFile(_pdf(self.rng), name="pitch-deck.pdf")
                app_services.upload_file(application, "pitch_deck", upload, actor=actor)
            if submit:
                application = app_services.submit_application(application, actor=actor)
        except DomainError:
            return None
        return application

    def fill(self, call: Call, kind: str, count: int, drafts: int, taken: set[int]) -> None:
        kinds = UNIT_KINDS if kind == ProgrammeKind.UNIT_SELECTION else STARTUP_KINDS
        pool = [o for o in self.organisations if o.kind in kinds]
        # organisations whose members can sign in come first (the demo accounts see their own)
        with_members = [o for o in pool if o.pk in self.member_of]
        others = [o for o in pool if o.pk not in self.member_of]
        self.rng.shuffle(others)
        has_file_field = any(f.key == "pitch_deck" for f in app_services.form_fields(call))
        # drafts belong to organisations whose members sign in (the demo accounts find them), the rest
        # are submitted
        plan = [(org, False) for org in itertools.islice(self.eligible(call, with_members, taken), drafts)]
        made = 0
        for org, submit in itertools.chain(plan, ((org, True) for org in self.eligible(call, others, taken))):
            if made >= count + len(plan):
                break
            if org.pk in taken:
                continue
            application = self.apply(call, org, submit=submit, with_file=has_file_field and made % 3 == 0)
            if application is None:
                continue
            made += 1
            taken.add(org.pk)
            if application.status == Application.Status.SUBMITTED:
                self.result.applications += 1
            else:
                self.result.drafts += 1

    # -- programmes and calls ------------------------------------------------------------------------

    def run(self) -> DemoProgrammesResult:
        started = time.monotonic()
        now = timezone.now()
        local_now = timezone.localtime(now, call_services.LOCAL_TZ)
        year = local_now.year

        def at(days: int, hour: int) -> dt.datetime:
            """`days` from today at `hour` o'clock, Vietnam time (deadlines fall at 17:00)."""
            return (local_now + dt.timedelta(days=days)).replace(hour=hour, minute=0, second=0, microsecond=0)

        for spec in PROGRAMMES:
            center = self.center_for(spec["centers"])
            programme = programme_services.create_programme(
                actor=None,
                center=center,
                kind=spec["kind"],
                title_vi=spec["title_vi"],
                title_en=spec["title_en"],
                summary_vi=spec["summary_vi"],
                summary_en=spec["summary_en"],
                description_vi=f"<p>{spec['summary_vi']}</p>",
                description_en=f"<p>{spec['summary_en']}</p>",
                languages=spec.get("languages", ["vi", "en"]),
                budget_amount=spec["budget"][0],
                budget_currency=spec["budget"][1],
                starts_on=dt.date(year, 1, 1),
                ends_on=dt.date(year, 12, 31),
            )
            programme_services.publish_programme(programme, actor=None)
            self.result.programmes += 1
            taken: set[int] = set()
            call_vi, call_en = spec["call_vi"]
            # the earlier round: open while the applications come in, then closed and under review
            closed = call_services.create_call(
                programme,
                actor=None,
                title_vi=f"{call_vi} đợt 1 năm {year}",
                title_en=f"{call_en}, round 1 {year}",
                description_vi=f"<p>{spec['summary_vi']}</p>",
                description_en=f"<p>{spec['summary_en']}</p>",
                opens_at=at(-60, 8),
                closes_at=now + dt.timedelta(hours=1),
                eligibility=spec["eligibility"],
                quotas=spec["quotas"],
                max_selected=5,
            )
            self.build_form(closed, spec["kind"])
            call_services.publish_call(closed, actor=None)
            self.fill(closed, spec["kind"], CLOSED_APPLICATIONS, 0, taken)
            closed = call_services.update_call(closed, actor=None, closes_at=at(-3, 17))
            call_services.start_review(closed, actor=None)
            # the current round: open now, with a countdown
            days = self.rng.randint(6, 40)
            current = call_services.create_call(
                programme,
                actor=None,
                title_vi=f"{call_vi} đợt 2 năm {year}",
                title_en=f"{call_en}, round 2 {year}",
                description_vi=f"<p>{spec['summary_vi']}</p>",
                description_en=f"<p>{spec['summary_en']}</p>",
                opens_at=at(-10, 8),
                closes_at=at(days, 17),
                edits_allowed_until=at(days + 3, 17),
                eligibility=spec["eligibility"],
                quotas=spec["quotas"],
                max_selected=10,
            )
            self.build_form(current, spec["kind"])
            call_services.publish_call(current, actor=None)
            self.fill(current, spec["kind"], OPEN_APPLICATIONS, DRAFTS_PER_OPEN_CALL, taken)
            self.result.calls += 2
        self.result.seconds = time.monotonic() - started
        return self.result


def create_demo_programmes(
    seed: int,
    centers: Iterable[Any] | Mapping[str, Any],
    organisations: Iterable[Any] | Mapping[str, Any],
    users: Iterable[Any] | Mapping[str, Any],
) -> DemoProgrammesResult:
    """Programmes, calls, forms and applications for the demo network (see the module docstring)."""
    return _Builder(seed, _values(centers), _values(organisations), _values(users)).run()
