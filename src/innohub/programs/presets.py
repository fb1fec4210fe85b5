"""Ready-made scorecards. `unit_selection` is the one of seed 004: a department of science and
technology invites units (incubators, operators, universities) to run an international incubation
cooperation programme, and requires of them

* capacity and experience in incubating innovative startups ("có năng lực, kinh nghiệm trong việc
  ươm tạo doanh nghiệp khởi nghiệp đổi mới sáng tạo"),
* close relations with the startup community network of the city and of Vietnam ("có mối quan hệ
  chặt chẽ với mạng lưới cộng đồng khởi nghiệp"),
* experience of working with international partners in innovative entrepreneurship ("có kinh nghiệm
  làm việc với các đối tác quốc tế"),
* capacity to research and propose the cooperation model ("năng lực nghiên cứu và đề xuất mô hình
  hợp tác").

The same review machinery (panel, conflicts, assignment, z-scores, decisions) then selects the units.
The weights favour proven incubation experience; staff may change them before reviews are submitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from innohub.programs.models import Call, ReviewRound
from innohub.programs.services import review as review_services


@dataclass(frozen=True)
class CriterionPreset:
    code: str
    title_vi: str
    title_en: str
    guidance_vi: str
    guidance_en: str
    weight: int
    comment_required: bool = True
    scale_min: int = 0
    scale_max: int = 10


UNIT_SELECTION_CRITERIA: tuple[CriterionPreset, ...] = (
    CriterionPreset(
        code="incubation_experience",
        title_vi="Năng lực, kinh nghiệm ươm tạo doanh nghiệp khởi nghiệp đổi mới sáng tạo",
        title_en="Capacity and experience in incubating innovative startups",
        guidance_vi=(
            "Số khóa ươm tạo đã tổ chức, số doanh nghiệp đã ươm tạo và kết quả của họ (gọi vốn, doanh "
            "thu, sản phẩm), đội ngũ chuyên gia và cơ sở vật chất."
        ),
        guidance_en=(
            "Incubation cohorts run, startups incubated and how they did (funding, revenue, products), "
            "the team of experts and the facilities."
        ),
        weight=30,
    ),
    CriterionPreset(
        code="network",
        title_vi="Quan hệ với mạng lưới cộng đồng khởi nghiệp tại địa phương và Việt Nam",
        title_en="Relations with the startup community network locally and in Vietnam",
        guidance_vi=(
            "Hợp tác với trường, viện, quỹ đầu tư, doanh nghiệp và các trung tâm hỗ trợ; vai trò trong "
            "các mạng lưới, sự kiện khởi nghiệp."
        ),
        guidance_en=(
            "Cooperation with universities, institutes, investors, corporates and support centers; role "
            "in the networks and startup events."
        ),
        weight=25,
    ),
    CriterionPreset(
        code="international_experience",
        title_vi="Kinh nghiệm làm việc với đối tác quốc tế trong lĩnh vực khởi nghiệp đổi mới sáng tạo",
        title_en="Experience of working with international partners in innovative entrepreneurship",
        guidance_vi=(
            "Các chương trình, thỏa thuận hợp tác đã thực hiện với tổ chức ươm tạo nước ngoài; startup "
            "được đưa ra thị trường quốc tế."
        ),
        guidance_en=(
            "Programmes and cooperation agreements carried out with foreign incubation organisations; "
            "startups taken to international markets."
        ),
        weight=25,
    ),
    CriterionPreset(
        code="research_capacity",
        title_vi="Năng lực nghiên cứu và đề xuất mô hình hợp tác",
        title_en="Capacity to research and propose the cooperation model",
        guidance_vi=(
            "Chất lượng phân tích các mô hình trên thế giới và bối cảnh hệ sinh thái; tính khả thi của "
            "quy trình, phương án tài chính và tiêu chí đánh giá đề xuất."
        ),
        guidance_en=(
            "Quality of the analysis of existing models and of the ecosystem; feasibility of the proposed "
            "process, financial plan and evaluation criteria."
        ),
        weight=20,
    ),
)


@transaction.atomic
def create_unit_selection_round(call: Call, *, actor: Any, **round_fields: Any) -> ReviewRound:
    """A panel round scoring the applying units on the seed-004 capability criteria."""
    fields: dict[str, Any] = {
        "title_vi": "Đánh giá, tuyển chọn đơn vị tham gia",
        "title_en": "Selection and evaluation of participating units",
        "kind": ReviewRound.Kind.PANEL,
        "instructions_vi": (
            "Chấm mỗi tiêu chí từ 0 đến 10 dựa trên hồ sơ năng lực của đơn vị và nêu ngắn gọn căn cứ."
        ),
        "instructions_en": (
            "Score each criterion from 0 to 10 from the unit's capability file and give the grounds briefly."
        ),
        "per_item": 3,
        "capacity": 10,
        "normalisation": ReviewRound.Normalisation.ZSCORE,
    }
    fields.update(round_fields)
    round_ = review_services.create_round(call, actor=actor, **fields)
    for position, preset in enumerate(UNIT_SELECTION_CRITERIA, start=1):
        review_services.add_criterion(
            round_,
            actor=actor,
            title_vi=preset.title_vi,
            title_en=preset.title_en,
            guidance_vi=preset.guidance_vi,
            guidance_en=preset.guidance_en,
            weight=preset.weight,
            scale_min=preset.scale_min,
            scale_max=preset.scale_max,
            comment_required=preset.comment_required,
            position=position,
        )
    return round_
