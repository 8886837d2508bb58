"""Name declaration rules (standards §7): structure, forbidden content, and identical vs similar names at the
same registration authority (registered enterprises and active reservations)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from g60.onenetwork import services
from g60.onenetwork.models import NameReservation
from g60.onenetwork.names import name_check, name_parse
from g60.regions.models import City
from g60.registry.models import Enterprise
from tests.onenetwork.factories import JIAXING, SONGJIANG, ApplicantFactory, complete_values

# Names are compared against the register, so every check reads the database.
pytestmark = pytest.mark.django_db


def codes(name: str, form: str = "company", domicile: str | None = JIAXING, industry: str = "") -> set[str]:
    return {
        i.code for i in name_check(name=name, form_type=form, domicile_code=domicile, industry_code=industry).issues
    }


def error_codes(name: str, **kwargs: object) -> set[str]:
    result = name_check(
        name=name,
        form_type=str(kwargs.get("form", "company")),
        domicile_code=kwargs.get("domicile", JIAXING),  # type: ignore[arg-type]
    )
    return {i.code for i in result.errors}


def test_four_part_structure() -> None:
    parts = name_parse("嘉兴天上地下汽车销售有限公司")
    assert (parts.division, parts.trade_name, parts.industry, parts.form) == (
        "嘉兴",
        "天上地下",
        "汽车销售",
        "有限公司",
    )


def test_division_in_brackets_after_the_trade_name_and_half_width_brackets() -> None:
    parts = name_parse("红光(嘉兴)酒业发展有限公司")
    assert (parts.division, parts.trade_name, parts.industry, parts.form) == ("嘉兴", "红光", "酒业发展", "有限公司")
    assert parts.division_in_brackets
    assert name_check(name="红光（嘉兴）酒业有限公司", form_type="company", domicile_code=JIAXING).ok


def test_a_good_name_passes_in_both_cities() -> None:
    assert name_check(name="嘉兴明远信息技术有限公司", form_type="company", domicile_code=JIAXING).ok
    assert name_check(name="上海松江明远信息技术有限公司", form_type="company", domicile_code=SONGJIANG).ok
    assert name_check(name="上海明远信息技术股份有限公司", form_type="joint_stock_company", domicile_code=SONGJIANG).ok


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("嘉兴国务院信息技术有限公司", "forbidden_party_state_military"),
        ("嘉兴解放军贸易有限公司", "forbidden_party_state_military"),
        ("嘉兴联合国贸易有限公司", "forbidden_foreign_international"),
        ("嘉兴博彩信息技术有限公司", "forbidden_obscene_gambling_superstition_violence"),
        ("嘉兴算命咨询有限公司", "forbidden_obscene_gambling_superstition_violence"),
        ("嘉兴歧视文化传媒有限公司", "forbidden_discrimination"),
        ("嘉兴黑社会贸易有限公司", "forbidden_public_order_morals"),
        ("嘉兴特供酒业有限公司", "forbidden_misleading"),
        ("中国明远信息技术有限公司", "national_prefix"),
    ],
)
def test_forbidden_content_each_category(name: str, code: str) -> None:
    result = name_check(name=name, form_type="company", domicile_code=None)
    assert code in {i.code for i in result.errors}
    assert not result.ok
    assert all(i.message for i in result.errors)


def test_national_word_in_the_middle_is_only_a_warning() -> None:
    result = name_check(name="嘉兴明远中国贸易有限公司", form_type="company", domicile_code=JIAXING)
    assert "national_middle" in {i.code for i in result.warnings}
    assert "national_prefix" not in {i.code for i in result.issues}


@pytest.mark.parametrize(
    ("name", "form", "code"),
    [
        ("嘉兴明远信息技术", "company", "form_missing"),
        ("嘉兴明远信息技术有限公司", "partnership", "form_mismatch"),
        ("嘉兴明远信息技术股份有限公司", "company", "form_mismatch"),
        ("明远信息技术有限公司", "company", "division_missing"),
        ("杭州明远信息技术有限公司", "company", "division_elsewhere"),
        ("嘉兴明信息技术有限公司", "company", "trade_name_short"),
        ("嘉兴杭州信息技术有限公司", "company", "trade_name_division"),
        ("嘉兴Ming信息技术有限公司", "company", "characters"),
    ],
)
def test_structure_rules(name: str, form: str, code: str) -> None:
    assert code in error_codes(name, form=form)


def test_a_city_district_must_follow_its_city() -> None:
    assert "district_alone" in error_codes("松江明远信息技术有限公司", domicile=SONGJIANG)
    assert "district_alone" not in error_codes("上海松江明远信息技术有限公司", domicile=SONGJIANG)


def test_an_industry_term_as_trade_name_is_refused() -> None:
    assert "trade_name_industry" in error_codes("嘉兴贸易科技有限公司")


def test_industry_term_not_matching_the_class_warns() -> None:
    assert "industry_class_mismatch" in codes("嘉兴明远餐饮有限公司", industry="I6513")
    assert "industry_class_mismatch" not in codes("嘉兴明远软件有限公司", industry="I6513")


def _enterprise(name: str, city: City, uscc: str) -> Enterprise:
    """An enterprise of the register, not saved yet (search_text set, so bulk_create may write it too)."""
    from g60.registry.models import search_text_stored

    return Enterprise(
        uscc=uscc,
        name=name,
        search_text=search_text_stored(name),
        type="company",
        city=city,
        established_on=dt.date(2020, 1, 1),
        registered_capital_wan=Decimal(100),
        legal_representative="王五",
        industry_code="F5123",
        address="嘉兴市南湖区",
        source="import",
    )


def _registered(name: str, city: str = JIAXING, uscc: str = "914403001922038216") -> Enterprise:
    enterprise = _enterprise(name, City.objects.get(code=city), uscc)
    enterprise.save()
    return enterprise


def test_identical_trade_name_in_the_same_industry_is_refused_only_at_the_same_authority() -> None:
    _registered("嘉兴天上地下汽车销售有限公司")
    result = name_check(name="浙江天上地下汽车销售有限公司", form_type="company", domicile_code=JIAXING)
    assert [i.code for i in result.errors] == ["identical_name"]
    assert "嘉兴天上地下汽车销售有限公司" in result.errors[0].message
    # Another registration authority (Hangzhou) has no such name: allowed.
    assert name_check(name="杭州天上地下汽车销售有限公司", form_type="company", domicile_code="330100").ok
    # Same trade name, unrelated industry: allowed.
    assert name_check(name="嘉兴天上地下餐饮有限公司", form_type="company", domicile_code=JIAXING).ok


def test_similar_names_are_warned_not_refused() -> None:
    _registered("嘉兴万青地产有限公司")
    synonym = name_check(name="嘉兴万青置业有限公司", form_type="company", domicile_code=JIAXING)
    assert synonym.ok and "similar_industry" in {i.code for i in synonym.warnings}
    contains = name_check(name="嘉兴万青华地产有限公司", form_type="company", domicile_code=JIAXING)
    assert contains.ok and "similar_contains" in {i.code for i in contains.warnings}


def test_a_declared_name_is_reserved_and_blocks_others_until_released() -> None:
    first = services.application_create(
        acting_user=ApplicantFactory(), values=complete_values(domicile=JIAXING, trade="星河")
    )
    reservation = NameReservation.objects.get(application=first)
    assert reservation.trade_name == "星河" and reservation.authority_id == JIAXING
    assert reservation.expires_at > timezone.now() + dt.timedelta(days=55)
    blocked = name_check(name="嘉兴星河信息技术有限公司", form_type="company", domicile_code=JIAXING)
    assert "identical_name" in {i.code for i in blocked.errors}
    # Its own application does not block itself.
    assert name_check(name=first.name, form_type="company", domicile_code=JIAXING, exclude_application_id=first.pk).ok
    services.application_withdraw(acting_user=first.applicant, application=first)
    assert name_check(name="嘉兴星河信息技术有限公司", form_type="company", domicile_code=JIAXING).ok


def test_an_expired_reservation_no_longer_blocks() -> None:
    application = services.application_create(
        acting_user=ApplicantFactory(), values=complete_values(domicile=JIAXING, trade="远帆")
    )
    NameReservation.objects.filter(application=application).update(expires_at=timezone.now() - dt.timedelta(days=1))
    assert name_check(name="嘉兴远帆信息技术有限公司", form_type="company", domicile_code=JIAXING).ok


def test_an_identical_name_is_found_among_more_than_500_names_sharing_part_of_it() -> None:
    # 600 names in Jiaxing hold a part of the trade name 天上地下 (天上, 地下); the identical one comes last in
    # both register and USCC order, so a check that compared only the first 500 similar names would miss it.
    from g60.registry.generator import _org_body
    from g60.registry.identifiers import uscc_build

    chars = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥金木水火土山川林"
    names = [f"嘉兴天上{a}{b}汽车销售有限公司" for a in chars for b in chars][:300]
    names += [f"嘉兴{a}{b}地下汽车销售有限公司" for a in chars for b in chars][:300]
    jiaxing = City.objects.get(code=JIAXING)
    # Registered first: a similar name (a warning) is compared when among the first 500 similar names.
    _registered(
        "嘉兴天上汽车销售有限公司", uscc=uscc_build(authority="9", kind="1", division=JIAXING, org_body="00000000")
    )
    Enterprise.objects.bulk_create(
        _enterprise(name, jiaxing, uscc_build(authority="9", kind="1", division=JIAXING, org_body=_org_body(n, 11)))
        for n, name in enumerate(names)
    )
    _registered(
        "嘉兴天上地下汽车销售有限公司", uscc=uscc_build(authority="9", kind="1", division=JIAXING, org_body="YYYYYYYY")
    )
    assert Enterprise.objects.order_by("-uscc").first().name == "嘉兴天上地下汽车销售有限公司"  # type: ignore[union-attr]
    result = name_check(name="浙江天上地下汽车销售有限公司", form_type="company", domicile_code=JIAXING)
    assert [i.code for i in result.errors] == ["identical_name"]
    # A trade name that is a part of it (天上) is still found, as a warning.
    assert "嘉兴天上汽车销售有限公司" in " ".join(i.message for i in result.warnings if i.code == "similar_contains")


def test_without_similar_names_the_check_still_refuses_identical_ones_and_skips_the_warnings() -> None:
    # What the services run inside their write transaction: refusals only.
    _registered("嘉兴万青地产有限公司")
    services.application_create(acting_user=ApplicantFactory(), values=complete_values(domicile=JIAXING, trade="星河"))
    registered = name_check(name="浙江万青地产有限公司", form_type="company", domicile_code=JIAXING, similar=False)
    assert [i.code for i in registered.errors] == ["identical_name"]
    reserved = name_check(name="嘉兴星河信息技术有限公司", form_type="company", domicile_code=JIAXING, similar=False)
    assert [i.code for i in reserved.errors] == ["identical_name"]
    contains = name_check(name="嘉兴万青华地产有限公司", form_type="company", domicile_code=JIAXING, similar=False)
    assert contains.ok and not contains.warnings
    assert name_check(name="嘉兴万青华地产有限公司", form_type="company", domicile_code=JIAXING).warnings
