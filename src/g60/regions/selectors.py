from django.db.models import QuerySet

from g60.regions.models import City


def city_list() -> QuerySet[City]:
    """The corridor's cities in corridor order; public reference data."""
    return City.objects.all()


def city_get(*, code: str) -> City | None:
    return City.objects.filter(code=code).first()
