from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

from g60.api.root import api_urls
from g60.core.access import PUBLIC, access

admin.site.site_header = "G60 Valley Platform"
admin.site.site_title = "G60"

# The API first: it serves most of the requests (the cities' systems), and Django tries the patterns in order,
# each include with an empty prefix (core's) in full before the next.
urlpatterns = [
    path("api/v1/", api_urls()),
    path("", include("g60.core.urls")),
    path("accounts/", include("g60.accounts.urls")),
    path("audit/", include("g60.audit.urls")),
    path("register/", include("g60.registry.urls")),
    path("onenetwork/", include("g60.onenetwork.urls")),
    path("i18n/setlang/", access(PUBLIC)(set_language), name="set_language"),
    path("admin/", admin.site.urls),
]
