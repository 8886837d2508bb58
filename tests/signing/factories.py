import datetime as dt
from decimal import Decimal
from typing import Any

import factory

from g60.signing.licence_pdf import LicenceFacts


class LicenceFactsFactory(factory.Factory):
    """The facts printed on a licence: a Songjiang company, as the onenetwork app would pass them."""

    class Meta:
        model = LicenceFacts

    uscc = "91310117MA1J3XYZ4K"
    name = "上海松江星链卫星科技有限公司"
    name_en = "Shanghai Songjiang Star Chain Satellite Technology Co., Ltd."
    type_zh = "有限责任公司（自然人投资或控股）"
    type_en = "Limited liability company (invested or controlled by natural persons)"
    legal_representative = "王小明"
    registered_capital_wan = Decimal("1000")
    established_on = dt.date(2026, 11, 22)
    domicile = "上海市松江区广富林路4855弄88号3幢501室"
    domicile_en = "Room 501, Building 3, No. 88, Lane 4855 Guangfulin Road, Songjiang District, Shanghai"
    business_scope = "一般项目：卫星技术综合应用系统集成；卫星通信服务；技术服务、技术开发、技术咨询；软件开发。"
    authority_zh = "上海市松江区市场监督管理局"
    authority_en = "Songjiang District Administration for Market Regulation, Shanghai"
    issued_on = dt.date(2026, 11, 22)
    licence_number = factory.Sequence(lambda n: f"310117-2026-{n:06d}")


def licence_payload(**overrides: Any) -> dict[str, Any]:
    """A licence payload as the onenetwork app signs it: the public facts a verifier needs, nothing more."""
    payload: dict[str, Any] = {
        "typ": "g60.e-licence",
        "uscc": "91310117MA1J3XYZ4K",
        "no": "31011720260000123",
        "name": "上海松江星链卫星科技有限公司",
        "issued": "2026-11-22",
    }
    payload.update(overrides)
    return payload
