"""The pages: the multi-step form walked by an applicant, the officials' queues (with the overdue flag), the
detail page's actions, the hand-over list and the public verification page, in both languages."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from g60.accounts.models import Role
from g60.onenetwork.models import Application, Licence
from tests.onenetwork.factories import (
    JIAXING,
    PDF,
    SONGJIANG,
    ApplicantFactory,
    advance,
    complete_values,
    draft,
    official,
    resident_id,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def english(client: Client) -> Client:
    client.cookies["django_language"] = "en"
    return client


def test_the_whole_case_through_the_pages(client_for) -> None:  # type: ignore[no-untyped-def]
    applicant = ApplicantFactory()
    web = english(client_for(applicant))
    assert web.get(reverse("onenetwork:application_new")).status_code == 200
    values = complete_values(window=JIAXING, domicile=SONGJIANG)
    response = web.post(reverse("onenetwork:application_new"), values)
    application = Application.objects.get(applicant=applicant)
    assert response.status_code == 302
    assert response["Location"] == reverse("onenetwork:step_people", args=[application.public_id])
    people = {
        "legal_representative": "张明",
        "legal_representative_id_number": resident_id(1),
        "sh_name": ["张明", "李华"],
        "sh_kind": ["person", "person"],
        "sh_id_number": [resident_id(1), resident_id(2)],
        "sh_share": ["70", "30"],
    }
    response = web.post(reverse("onenetwork:step_people", args=[application.public_id]), people)
    assert response.status_code == 302 and application.shareholders.count() == 2
    upload = SimpleUploadedFile("articles.pdf", PDF, content_type="application/pdf")
    response = web.post(
        reverse("onenetwork:step_documents", args=[application.public_id]), {"kind": "articles", "file": upload}
    )
    assert response.status_code == 302 and application.documents.count() == 1
    review = web.get(reverse("onenetwork:step_review", args=[application.public_id]))
    assert values["name"] in review.content.decode()
    response = web.post(reverse("onenetwork:step_review", args=[application.public_id]))
    assert response["Location"] == reverse("onenetwork:application_detail", args=[application.public_id])

    clerk = english(client_for(official(Role.CLERK, JIAXING)))
    assert application.reference in clerk.get(reverse("onenetwork:acceptance_queue")).content.decode()
    action = "onenetwork:application_action"
    clerk.post(reverse(action, args=[application.public_id, "accept"]))
    examiner = english(client_for(official(Role.EXAMINER, SONGJIANG)))
    assert application.reference in examiner.get(reverse("onenetwork:examination_queue")).content.decode()
    examiner.post(reverse(action, args=[application.public_id, "start_examination"]))
    examiner.post(reverse(action, args=[application.public_id, "approve"]))
    licence = Licence.objects.get(application=application)
    detail = web.get(reverse("onenetwork:application_detail", args=[application.public_id])).content.decode()
    assert licence.uscc in detail and 'id="licence-token"' in detail
    assert 'data-step="accept"' in detail and 'data-step="issue_licence"' in detail

    handover = clerk.get(reverse("onenetwork:handover_list")).content.decode()
    assert licence.uscc in handover
    clerk.post(reverse("onenetwork:licence_hand_over", args=[licence.public_id]))
    assert Licence.objects.get(pk=licence.pk).handed_over_at is not None
    assert licence.uscc not in clerk.get(reverse("onenetwork:handover_list")).content.decode()

    public = english(Client())
    page = public.post(reverse("onenetwork:verify"), {"token": licence.token}).content.decode()
    assert 'data-valid="true"' in page and licence.uscc in page
    tampered = licence.token.replace(licence.token[-8:], "AAAAAAAA")
    page = public.post(reverse("onenetwork:verify"), {"token": tampered}).content.decode()
    assert 'data-valid="false"' in page


def test_verify_page_answers_htmx_with_the_result_only(client_for) -> None:  # type: ignore[no-untyped-def]
    licence = Licence.objects.get(application=advance(draft(), "licence_issued"))
    response = Client().post(reverse("onenetwork:verify"), {"token": licence.token}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="verify-result"') and 'data-reason="valid"' in html
    revoked_by = official(Role.EXAMINER, SONGJIANG)
    client_for(revoked_by).post(reverse("onenetwork:licence_revoke", args=[licence.public_id]), {"reason": "撤销"})
    html = Client().get(reverse("onenetwork:verify"), {"token": licence.token}).content.decode()
    assert 'data-reason="revoked"' in html


def test_a_refused_name_is_explained_and_nothing_is_saved(client_for) -> None:  # type: ignore[no-untyped-def]
    applicant = ApplicantFactory()
    web = english(client_for(applicant))
    values = {**complete_values(), "name": "上海赌博信息技术有限公司"}
    response = web.post(reverse("onenetwork:application_new"), values)
    assert response.status_code == 200
    assert "gambling" in response.content.decode()
    assert not Application.objects.filter(applicant=applicant).exists()


def test_live_name_check_and_shareholder_row(client_for) -> None:  # type: ignore[no-untyped-def]
    web = english(client_for(ApplicantFactory()))
    html = web.get(
        reverse("onenetwork:name_check"),
        {"name": "松江明远信息技术有限公司", "domicile_city": SONGJIANG, "form": "company"},
    ).content.decode()
    assert 'id="name-refused"' in html and 'data-code="district_alone"' in html
    html = web.get(
        reverse("onenetwork:name_check"), {"name": "上海明远信息技术有限公司", "domicile_city": SONGJIANG}
    ).content.decode()
    assert 'id="name-ok"' in html
    row = web.get(reverse("onenetwork:shareholder_row"), {"index": "3"}).content.decode()
    assert 'id="sh-name-3"' in row and 'name="sh_share"' in row


def test_shares_not_summing_to_100_are_shown(client_for) -> None:  # type: ignore[no-untyped-def]
    application = draft()
    web = english(client_for(application.applicant))
    response = web.post(
        reverse("onenetwork:step_people", args=[application.public_id]),
        {
            "legal_representative": "张明",
            "legal_representative_id_number": resident_id(1),
            "sh_name": ["张明"],
            "sh_kind": ["person"],
            "sh_id_number": [resident_id(1)],
            "sh_share": ["90"],
        },
    )
    assert response.status_code == 200 and 'id="shareholders-errors"' in response.content.decode()
    assert application.shareholders.count() == 2  # unchanged


def test_overdue_cases_are_flagged_on_the_queue(client_for) -> None:  # type: ignore[no-untyped-def]
    late = advance(draft(), "submitted")
    Application.objects.filter(pk=late.pk).update(acceptance_due=dt.date(2026, 1, 5))
    on_time = advance(draft(), "submitted")
    html = english(client_for(official(Role.CLERK, JIAXING))).get(reverse("onenetwork:acceptance_queue")).content
    page = html.decode()
    late_row = page[page.index(f'data-reference="{late.reference}"') - 40 :][:400]
    on_time_row = page[page.index(f'data-reference="{on_time.reference}"') - 40 :][:400]
    assert 'class="overdue"' in late_row and "overdue" not in on_time_row.split("data-reference")[0]


def test_others_cannot_open_an_application(client_for) -> None:  # type: ignore[no-untyped-def]
    application = advance(draft(window=JIAXING, domicile=SONGJIANG), "submitted")
    url = reverse("onenetwork:application_detail", args=[application.public_id])
    assert client_for(ApplicantFactory()).get(url).status_code == 404
    assert client_for(official(Role.CLERK, "330100")).get(url).status_code == 404
    assert client_for(official(Role.CLERK, JIAXING)).get(url).status_code == 200
    # The clerk's page offers the window's actions, not the examiner's.
    html = client_for(official(Role.CLERK, JIAXING)).get(url).content.decode()
    assert 'id="action-accept"' in html and 'id="action-approve"' not in html
    step = reverse("onenetwork:step_company", args=[application.public_id])
    assert client_for(ApplicantFactory()).get(step).status_code == 404


def test_a_forbidden_action_from_the_page_changes_nothing(client_for) -> None:  # type: ignore[no-untyped-def]
    application = advance(draft(window=JIAXING, domicile=SONGJIANG), "submitted")
    examiner = client_for(official(Role.EXAMINER, SONGJIANG))
    examiner.post(reverse("onenetwork:application_action", args=[application.public_id, "accept"]))
    assert Application.objects.get(pk=application.pk).state == "submitted"


def test_pages_render_in_chinese(client_for) -> None:  # type: ignore[no-untyped-def]
    web = client_for(ApplicantFactory())
    web.cookies["django_language"] = "zh-hans"
    html = web.get(reverse("onenetwork:application_new")).content.decode()
    assert "公司名称" in html
