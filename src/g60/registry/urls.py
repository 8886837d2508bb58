from django.urls import path

from g60.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.search, name="search"),
    path("export/", views.export, name="export"),
    path("import/", views.import_upload, name="import"),
    path("import/<uuid:public_id>/", views.import_job, name="import_job"),
    path("import/<uuid:public_id>/errors.csv", views.import_errors, name="import_errors"),
    path("import/<uuid:public_id>/resume/", views.import_resume, name="import_resume"),
    path("<str:uscc>/", views.detail, name="detail"),
    path("<str:uscc>/archive/", views.archive, name="archive"),
]
