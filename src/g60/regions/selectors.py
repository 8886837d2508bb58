import time

from django.db.models import QuerySet

from g60.regions.models import City

# The cities by code, per process (cities_by_code). Cities are reference data: made by a data migration and
# changed, if ever, through the admin, whose save() clears this copy in its process (regions.apps); another
# process reads them again within CITIES_SECONDS.
CITIES_SECONDS = 60.0
_cities: tuple[float, dict[str, City]] = (0.0, {})


def city_list() -> QuerySet[City]:
    """The corridor's cities in corridor order; public reference data."""
    return City.objects.all()


def city_get(*, code: str) -> City | None:
    return City.objects.filter(code=code).first()


def cities_by_code() -> dict[str, City]:
    """The corridor's cities by division code, read from the database at most once every CITIES_SECONDS per
    process. For the hot paths that only name or check a city (a register search with a city filter, the
    cities of a list of enterprises, a new application's domicile and window): a query each, or a join, cost
    more than the work around them. The objects are shared: read them, never change them."""
    global _cities
    read_at, cities = _cities
    now = time.monotonic()
    if not cities or now - read_at > CITIES_SECONDS:
        cities = {city.code: city for city in City.objects.all()}
        _cities = (now, cities)
    return cities


def cities_forget(**_kwargs: object) -> None:
    """Drop this process's copy (a city was saved or deleted)."""
    global _cities
    _cities = (0.0, {})
