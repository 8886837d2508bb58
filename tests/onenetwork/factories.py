"""Factories and helpers for one-network tests. Applications are built through the services, as users would."""

from __future__ import annotations

import itertools
from typing import Any

import factory
from factory.django import DjangoModelFactory

from g60.accounts.models import Role, User
from g60.onenetwork import services
from g60.onenetwork.models import Application
from tests.accounts.factories import MembershipFactory, UserFactory

JIAXING, SONGJIANG, HANGZHOU = "330400", "310117", "330100"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_ID_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_trade_names = itertools.count()
# Two-character trade names that are no division or industry term, distinct per test application.
_SYLLABLES = "明华德星远航天瑞宏泰丰盛嘉信诚晟源"


def resident_id(serial: int = 1, born: str = "19850312") -> str:
    """A resident ID number with a correct GB 11643 check character."""
    first17 = f"330402{born}{serial % 1000:03d}"
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def trade_name() -> str:
    n = next(_trade_names)
    a, b = divmod(n, len(_SYLLABLES))
    return _SYLLABLES[a % len(_SYLLABLES)] + _SYLLABLES[b] + _SYLLABLES[(a + b + 3) % len(_SYLLABLES)]


class ApplicantFactory(UserFactory):
    membership = factory.RelatedFactory(MembershipFactory, factory_related_name="user", role=Role.APPLICANT)


def complete_values(*, domicile: str = SONGJIANG, window: str = JIAXING, trade: str | None = None) -> dict[str, Any]:
    division = {SONGJIANG: "上海", JIAXING: "嘉兴", HANGZHOU: "杭州"}[domicile]
    return {
        "name": f"{division}{trade or trade_name()}信息技术有限公司",
        "name_en": "Test Information Technology Co., Ltd.",
        "domicile_city": domicile,
        "window_city": window,
        "form": "company",
        "registered_capital_wan": "100",
        "legal_representative": "张明",
        "legal_representative_id_number": resident_id(1),
        "address": "上海市松江区广富林路 1 号",
        "industry_code": "I6513",
        "business_scope": "软件开发；信息技术咨询服务",
    }


SHAREHOLDERS = [
    {"name": "张明", "kind": "person", "id_number": resident_id(1), "share_percent": "60"},
    {"name": "华为技术有限公司", "kind": "legal_entity", "id_number": "914403001922038216", "share_percent": "40"},
]


def draft(applicant: User | None = None, **kwargs: Any) -> Application:
    applicant = applicant or ApplicantFactory()
    application = services.application_create(
        acting_user=applicant, values=complete_values(**kwargs), shareholders=SHAREHOLDERS
    )
    services.document_add(
        acting_user=applicant,
        application=application,
        kind="articles",
        filename="articles.pdf",
        content=PDF,
        content_type="application/pdf",
    )
    return application


def official(role: Role, city: str) -> User:
    from g60.regions.models import City

    user = UserFactory()
    MembershipFactory(user=user, role=role, city=City.objects.get(code=city))
    return user


def advance(application: Application, to: str, **kwargs: Any) -> Application:
    """Walk an application through the services up to state `to` (submitted, accepted, under_examination,
    licence_issued), with officials of the right cities."""
    order = ["submitted", "accepted", "under_examination", "licence_issued"]
    clerk = official(Role.CLERK, application.window_city_id or JIAXING)
    examiner = official(Role.EXAMINER, application.domicile_city_id or SONGJIANG)
    steps = {
        "submitted": lambda a: services.application_submit(acting_user=a.applicant, application=a),
        "accepted": lambda a: services.application_accept(acting_user=clerk, application=a),
        "under_examination": lambda a: services.application_start_examination(acting_user=examiner, application=a),
        "licence_issued": lambda a: services.application_approve(acting_user=examiner, application=a),
    }
    for state in order[: order.index(to) + 1]:
        application = steps[state](application)
    return application


class ApplicationFactory(DjangoModelFactory):
    """A bare draft row (no services), for tests of selectors and deadlines."""

    class Meta:
        model = Application

    applicant = factory.SubFactory(ApplicantFactory)
