from decimal import Decimal

from django.http import HttpRequest
from ninja import Router, Schema

from g60.regions.selectors import city_list

router = Router(tags=["regions"])


class CityOut(Schema):
    code: str
    name_zh: str
    name_en: str
    province_code: str
    province_zh: str
    province_en: str
    level: str
    latitude: Decimal
    longitude: Decimal
    authority_zh: str
    authority_en: str


@router.get("/cities", response=list[CityOut], auth=None, summary="The nine cities of the corridor")
def cities(request: HttpRequest) -> list[CityOut]:
    return [CityOut.model_validate(city, from_attributes=True) for city in city_list()]
