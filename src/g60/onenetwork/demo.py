"""Demo applications in different states, made through the services as real users would: one Jiaxing-window /
Songjiang-domicile case ready for acceptance, one issued licence waiting for hand-over at the Jiaxing window,
one under examination in Songjiang, one returned for correction, one draft. Idempotent: a case whose name
already exists is left alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.test.utils import override_settings

from g60.accounts.models import User
from g60.onenetwork import services
from g60.onenetwork.models import Application

JIAXING, SONGJIANG, HEFEI = "330400", "310117", "340100"
DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _id(first17: str) -> str:
    weights = [pow(2, 17 - i, 11) for i in range(17)]
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, weights, strict=True)) % 11]


ZHANG_ID = _id("31011719850312001")  # 张明, Songjiang, born 1985
LI_ID = _id("33040219900708002")  # 李华, Jiaxing, born 1990


@dataclass(frozen=True)
class DemoCase:
    applicant: str
    name: str
    name_en: str
    window: str
    domicile: str
    industry: str
    scope: str
    address: str
    state: str
    legal_rep: tuple[str, str] = ("张明", ZHANG_ID)
    shareholders: list[dict[str, Any]] = field(default_factory=list)
    reason: str = ""


CASES = [
    DemoCase(
        "applicant",
        "上海松江星云卫星通信有限公司",
        "Shanghai Songjiang Xingyun Satellite Communication Co., Ltd.",
        JIAXING,
        SONGJIANG,
        "I6319",
        "卫星通信服务；软件开发",
        "上海市松江区广富林路 658 号",
        "submitted",
    ),
    DemoCase(
        "applicant",
        "上海松江脑联智能科技有限公司",
        "Shanghai Songjiang Naolian Intelligent Technology Co., Ltd.",
        JIAXING,
        SONGJIANG,
        "I6513",
        "脑机接口软件开发；技术服务",
        "上海市松江区新桥镇 G60 科创云廊 3 号楼",
        "licence_issued",
    ),
    DemoCase(
        "applicant2",
        "上海芯合半导体有限公司",
        "Shanghai Xinhe Semiconductor Co., Ltd.",
        JIAXING,
        SONGJIANG,
        "C3973",
        "集成电路芯片设计及服务",
        "上海市松江区九亭镇 88 号",
        "under_examination",
        legal_rep=("李华", LI_ID),
    ),
    DemoCase(
        "applicant2",
        "合肥量衡信息技术有限公司",
        "Hefei Liangheng Information Technology Co., Ltd.",
        HEFEI,
        HEFEI,
        "I6513",
        "软件开发；信息技术咨询服务",
        "安徽省合肥市高新区望江西路 800 号",
        "returned_for_correction",
        legal_rep=("李华", LI_ID),
        reason="住所使用证明不清晰，请重新上传。",
    ),
    DemoCase(
        "applicant",
        "嘉兴天上地下汽车销售有限公司",
        "Jiaxing Tianshang Dixia Auto Sales Co., Ltd.",
        JIAXING,
        JIAXING,
        "F5261",
        "汽车销售",
        "浙江省嘉兴市南湖区中环南路 1 号",
        "draft",
    ),
]


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _case(case: DemoCase) -> Application:
    applicant = _user(case.applicant)
    name, number = case.legal_rep
    application = services.application_create(
        acting_user=applicant,
        values={
            "name": case.name,
            "name_en": case.name_en,
            "domicile_city": case.domicile,
            "window_city": case.window,
            "form": "company",
            "registered_capital_wan": "500",
            "legal_representative": name,
            "legal_representative_id_number": number,
            "address": case.address,
            "industry_code": case.industry,
            "business_scope": case.scope,
        },
        shareholders=case.shareholders
        or [
            {"name": name, "kind": "person", "id_number": number, "share_percent": "70"},
            {
                "name": "华为技术有限公司",
                "kind": "legal_entity",
                "id_number": "914403001922038216",
                "share_percent": "30",
            },
        ],
    )
    services.document_add(
        acting_user=applicant,
        application=application,
        kind="articles",
        filename="公司章程.pdf",
        content=DEMO_PDF,
        content_type="application/pdf",
    )
    if case.state == "draft":
        return application
    application = services.application_submit(acting_user=applicant, application=application)
    clerk = _user(f"clerk.{_slug(case.window)}")
    if case.state == "returned_for_correction":
        return services.application_return(acting_user=clerk, application=application, reason=case.reason)
    if case.state == "submitted":
        return application
    application = services.application_accept(acting_user=clerk, application=application)
    examiner = _user(f"examiner.{_slug(case.domicile)}")
    application = services.application_start_examination(acting_user=examiner, application=application)
    if case.state == "under_examination":
        return application
    return services.application_approve(acting_user=examiner, application=application)


def _slug(code: str) -> str:
    from g60.core.demo import CITY_SLUGS

    return CITY_SLUGS[code]


def onenetwork_demo_load(*, report: Callable[[str], None] | None = None) -> list[Application]:
    """Create the demo cases that do not exist yet (by name); needs the demo accounts."""
    made = []
    # The demo's notification emails would flood the console on every load; the cases are data, not news.
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for case in CASES:
            if Application.objects.filter(name=case.name).exists():
                continue
            application = _case(case)
            made.append(application)
            if report is not None:
                report(f"  {application.reference}  {application.state:<24} {application.name}")
    return made
