from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from g60.accounts.models import Role
from g60.accounts.selectors import membership_list
from g60.core.access import AUTHENTICATED, PUBLIC, access
from g60.regions.selectors import city_list


@require_GET
@access(PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    """What the platform is, for everyone."""
    return render(request, "core/home.html", {"cities": city_list()})


@require_GET
@access(PUBLIC)
def cities(request: HttpRequest) -> HttpResponse:
    return render(request, "core/cities.html", {"cities": city_list()})


@require_GET
@access(AUTHENTICATED)
def dashboard(request: HttpRequest) -> HttpResponse:
    """Each user's own workspace: their roles, the cities they act for and the work that belongs to them."""
    memberships = list(membership_list(user=request.user))  # type: ignore[arg-type]
    return render(
        request,
        "core/dashboard.html",
        {
            "memberships": memberships,
            "roles": Role,
            "has_roles": bool(memberships) or request.user.is_superuser,
        },
    )


@require_GET
@access(PUBLIC)
def health(request: HttpRequest) -> JsonResponse:
    """For the proxy and monitoring: the app answers and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return JsonResponse({"status": "ok", "database": connection.vendor})
