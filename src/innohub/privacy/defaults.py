"""The processing purposes a new instance starts with (seeded by migration 0002; operators edit them
in the admin afterwards). Texts are Vietnamese first, with English; `required` purposes cannot be
refused without closing the account.
"""

from __future__ import annotations

from typing import Any

ACCOUNT = "account"
DIRECTORY_PROFILE = "directory_profile"
PROGRAMME_APPLICATIONS = "programme_applications"
COMMUNICATIONS = "communications"
STATISTICS = "statistics"
PARTNER_SHARING = "partner_sharing"

_CONSENT_VI = (
    "Sự đồng ý của chủ thể dữ liệu (Nghị định 13/2023/NĐ-CP, Điều 11; Luật Bảo vệ dữ liệu cá nhân 2025)."
)
_CONSENT_EN = (
    "Consent of the data subject (Decree 13/2023/ND-CP, Article 11; Personal Data Protection Law 2025)."
)

DEFAULT_PURPOSES: list[dict[str, Any]] = [
    {
        "code": ACCOUNT,
        "required": True,
        "retention_days": 1095,
        "position": 10,
        "name_vi": "Vận hành tài khoản",
        "name_en": "Operating your account",
        "description_vi": (
            "Địa chỉ email, họ tên, số điện thoại và tư cách thành viên của bạn tại các trung tâm được dùng "
            "để đăng nhập, phân quyền, liên hệ về công việc của bạn trên nền tảng và ghi nhật ký bảo mật."
        ),
        "description_en": (
            "Your email address, name, phone number and memberships of centers are used to sign you in, "
            "decide what you may do, contact you about your work on the platform and keep security logs."
        ),
        "legal_basis_vi": _CONSENT_VI + " Bắt buộc: không có nó thì không thể có tài khoản.",
        "legal_basis_en": _CONSENT_EN + " Required: there can be no account without it.",
    },
    {
        "code": DIRECTORY_PROFILE,
        "required": False,
        "retention_days": 30,
        "position": 20,
        "name_vi": "Công bố hồ sơ trong danh bạ hệ sinh thái",
        "name_en": "Publishing your profile in the ecosystem directory",
        "description_vi": (
            "Hồ sơ cá nhân của bạn trong danh bạ (chức danh, tổ chức, lĩnh vực, giới thiệu) được hiển thị "
            "trên cổng thông tin và cho các trung tâm trong mạng lưới. Khi rút lại đồng ý, hồ sơ chỉ còn "
            "hiển thị cho trung tâm quản lý hồ sơ."
        ),
        "description_en": (
            "Your personal profile in the directory (title, organisation, fields, biography) is shown on the "
            "portal and to the centers of the network. If you withdraw, the profile is shown only to the "
            "center that manages it."
        ),
        "legal_basis_vi": _CONSENT_VI,
        "legal_basis_en": _CONSENT_EN,
    },
    {
        "code": PROGRAMME_APPLICATIONS,
        "required": False,
        "retention_days": 1825,
        "position": 30,
        "name_vi": "Xử lý hồ sơ đăng ký chương trình",
        "name_en": "Processing your programme applications",
        "description_vi": (
            "Dữ liệu trong hồ sơ đăng ký ươm tạo, thúc đẩy, trao đổi và đồng đầu tư của bạn được chuyển "
            "cho hội đồng đánh giá và cán bộ chương trình để tuyển chọn. Hồ sơ đã nộp và quyết định được "
            "lưu theo thời hạn lưu trữ của chương trình."
        ),
        "description_en": (
            "The data in your incubation, acceleration, exchange and co-investment applications is passed "
            "to review panels and programme staff for selection. Submitted applications and decisions are "
            "kept for the programme's record-keeping period."
        ),
        "legal_basis_vi": _CONSENT_VI
        + " Hồ sơ đã nộp được lưu giữ theo quy định về lưu trữ hồ sơ chương trình.",
        "legal_basis_en": _CONSENT_EN
        + " Submitted applications are kept under the programme's record-keeping rules.",
    },
    {
        "code": COMMUNICATIONS,
        "required": False,
        "retention_days": 30,
        "position": 40,
        "name_vi": "Bản tin và thông báo sự kiện",
        "name_en": "Newsletters and event announcements",
        "description_vi": "Gửi bản tin, lời mời Techfest, hội thảo và khóa đào tạo tới email của bạn.",
        "description_en": "Sending newsletters and invitations to Techfest, workshops and training to your email.",
        "legal_basis_vi": _CONSENT_VI,
        "legal_basis_en": _CONSENT_EN,
    },
    {
        "code": STATISTICS,
        "required": False,
        "retention_days": 30,
        "position": 50,
        "name_vi": "Thống kê và báo cáo (ẩn danh)",
        "name_en": "Statistics and reports (anonymised)",
        "description_vi": (
            "Dữ liệu của bạn được tính vào số liệu thống kê và báo cáo gửi cơ quan quản lý sau khi đã ẩn "
            "danh; không báo cáo nào nêu tên bạn."
        ),
        "description_en": (
            "Your data is counted in statistics and in reports to the authorities after anonymisation; no "
            "report names you."
        ),
        "legal_basis_vi": _CONSENT_VI + " Dữ liệu đã ẩn danh không còn là dữ liệu cá nhân.",
        "legal_basis_en": _CONSENT_EN + " Anonymised data is no longer personal data.",
    },
    {
        "code": PARTNER_SHARING,
        "required": False,
        "retention_days": 365,
        "position": 60,
        "name_vi": "Chia sẻ với trung tâm đối tác và cổng thông tin quốc gia",
        "name_en": "Sharing with partner centers and the national portal",
        "description_vi": (
            "Hồ sơ của bạn được đồng bộ tới trung tâm cấp vùng, cấp quốc gia, cổng thông tin khởi nghiệp "
            "quốc gia và các trung tâm đối tác để kết nối bạn với chương trình và chuyên gia."
        ),
        "description_en": (
            "Your profile is synchronised to the regional and national centers, the national startup portal "
            "and partner centers to connect you with programmes and experts."
        ),
        "legal_basis_vi": _CONSENT_VI,
        "legal_basis_en": _CONSENT_EN,
    },
]


def sync_default_purposes(purpose_model: Any) -> None:
    """Create the default purposes that do not exist yet; existing ones (edited by operators) stay."""
    for spec in DEFAULT_PURPOSES:
        defaults = {k: v for k, v in spec.items() if k != "code"}
        defaults["name"] = spec["name_vi"]
        defaults["description"] = spec["description_vi"]
        defaults["legal_basis"] = spec["legal_basis_vi"]
        purpose_model.objects.get_or_create(code=spec["code"], defaults=defaults)
