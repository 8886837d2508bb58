import datetime as dt
from decimal import Decimal

import factory
from factory.django import DjangoModelFactory

from g60.regions.models import City
from g60.registry.constants import EnterpriseSource
from g60.registry.generator import _org_body
from g60.registry.identifiers import uscc_build
from g60.registry.models import Enterprise, EnterpriseChange, EnterpriseFormerName, ImportJob, ImportRowError


class EnterpriseFactory(DjangoModelFactory):
    class Meta:
        model = Enterprise

    city = factory.LazyFunction(lambda: City.objects.get(code="320500"))
    uscc = factory.LazyAttributeSequence(
        lambda o, n: uscc_build(authority="9", kind="1", division=o.city.code, org_body=_org_body(n + 500_000, 7))
    )
    name = factory.Sequence(lambda n: f"苏州测试{n}科技有限公司")
    name_en = ""
    type = "company"
    status = "active"
    established_on = dt.date(2020, 5, 1)
    registered_capital_wan = Decimal("100.0000")
    legal_representative = "张晓明"
    legal_representative_id_number = "320505198503124516"
    industry_code = "C3973"
    address = "江苏省苏州市人民路1号"
    business_scope = "集成电路设计"
    source = EnterpriseSource.IMPORT


class EnterpriseFormerNameFactory(DjangoModelFactory):
    class Meta:
        model = EnterpriseFormerName

    enterprise = factory.SubFactory(EnterpriseFactory)
    name = "苏州旧名有限公司"
    used_until = dt.date(2021, 1, 1)


class EnterpriseChangeFactory(DjangoModelFactory):
    class Meta:
        model = EnterpriseChange

    enterprise = factory.SubFactory(EnterpriseFactory)
    action = "enterprise.update"


class ImportJobFactory(DjangoModelFactory):
    class Meta:
        model = ImportJob

    file_name = "enterprises.csv"
    file_path = "/nonexistent/enterprises.csv"


class ImportRowErrorFactory(DjangoModelFactory):
    class Meta:
        model = ImportRowError

    job = factory.SubFactory(ImportJobFactory)
    line = 2
    column = "uscc"
    code = "uscc_length"
