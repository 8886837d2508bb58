from django.urls import path

from g60.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("cities/", views.cities, name="cities"),
    path("workspace/", views.dashboard, name="dashboard"),
    path("healthz", views.health, name="health"),
]
