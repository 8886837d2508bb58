from django.urls import path

from g60.onenetwork import views

app_name = "onenetwork"
urlpatterns = [
    path("applications/", views.application_list, name="application_list"),
    path("applications/new/", views.application_new, name="application_new"),
    path("applications/name-check/", views.name_check_partial, name="name_check"),
    path("applications/shareholder-row/", views.shareholder_row, name="shareholder_row"),
    path("applications/<uuid:public_id>/", views.application_detail, name="application_detail"),
    path("applications/<uuid:public_id>/company/", views.step_company, name="step_company"),
    path("applications/<uuid:public_id>/people/", views.step_people, name="step_people"),
    path("applications/<uuid:public_id>/documents/", views.step_documents, name="step_documents"),
    path(
        "applications/<uuid:public_id>/documents/<int:document_id>/remove/",
        views.document_remove,
        name="document_remove",
    ),
    path("applications/<uuid:public_id>/review/", views.step_review, name="step_review"),
    path("applications/<uuid:public_id>/action/<slug:step>/", views.application_action, name="application_action"),
    path("window/", views.acceptance_queue, name="acceptance_queue"),
    path("window/hand-over/", views.handover_list, name="handover_list"),
    path("examination/", views.examination_queue, name="examination_queue"),
    path("licences/<uuid:public_id>/pdf/", views.licence_pdf, name="licence_pdf"),
    path("licences/<uuid:public_id>/hand-over/", views.licence_hand_over, name="licence_hand_over"),
    path("licences/<uuid:public_id>/revoke/", views.licence_revoke, name="licence_revoke"),
    path("verify/", views.verify, name="verify"),
]
