from django.db.models import QuerySet

from g60.core.process_copy import ProcessCopy
from g60.regions.models import City


def city_list() -> QuerySet[City]:
    """The corridor's cities in corridor order; public reference data."""
    return City.objects.all()


def city_get(*, code: str) -> City | None:
    return City.objects.filter(code=code).first()


def _read_cities() -> dict[str, City]:
    return {city.code: city for city in City.objects.all()}


# Cities are reference data: made by a data migration and changed, if ever, through the admin, whose save() drops
# this copy in its process (regions.apps); another process reads them again within the minute.
CITIES = ProcessCopy(_read_cities, usable=bool)


def cities_by_code() -> dict[str, City]:
    """The corridor's cities by division code, read from the database at most once a minute per process. For the
    hot paths that only name or check a city (a register search with a city filter, the cities of a list of
    enterprises, a new application's domicile and window): a query each, or a join, cost more than the work
    around them. The objects are shared: read them, never change them."""
    return CITIES.get()


def cities_forget(**_kwargs: object) -> None:
    """Drop this process's copy (a city was saved or deleted)."""
    CITIES.forget()
