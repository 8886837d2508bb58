from django.urls import path

from g60.audit import views

app_name = "audit"
urlpatterns = [path("", views.events, name="events")]
