"""Pages: public search and detail with masking, permission checks, export (audited, XLSX round trip), upload."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from g60.accounts.models import Role
from g60.audit.models import AuditEvent
from g60.registry.constants import ImportJobStatus
from g60.registry.exporting import export_row
from g60.registry.generator import generate, generated_to_db
from g60.registry.importing import COLUMNS
from g60.registry.models import Enterprise, ImportJob
from tests.registry.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_search_page_highlights_and_masks_for_anonymous() -> None:
    EnterpriseFactory(name="苏州华芯链科技有限公司", legal_representative="张晓明")
    page = Client().get(reverse("registry:search"), {"q": "芯链"}).content.decode()
    assert "华<mark>芯链</mark>科技" in page
    assert "张*明" in page
    assert "张晓明" not in page
    assert "320505198503124516" not in page


def test_detail_page_anonymous_official_and_personal_view(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    enterprise = EnterpriseFactory(legal_representative="张晓明")
    url = reverse("registry:detail", kwargs={"uscc": enterprise.uscc})
    anonymous = Client().get(url).content.decode()
    assert "张*明" in anonymous and "320505" not in anonymous.replace(enterprise.uscc, "")
    analyst = client_for(make_user(Role.ANALYST)).get(url).content.decode()
    assert "张晓明" in analyst and "320505***********6" not in analyst
    clerk_here = client_for(make_user(Role.CLERK, "320500")).get(url).content.decode()
    assert "320505***********6" in clerk_here
    clerk_elsewhere = client_for(make_user(Role.CLERK, "330400")).get(url).content.decode()
    assert "320505***********6" not in clerk_elsewhere and "张晓明" in clerk_elsewhere


def test_archived_enterprises_are_off_the_public_register() -> None:
    enterprise = EnterpriseFactory(archived=True)
    assert Client().get(reverse("registry:detail", kwargs={"uscc": enterprise.uscc})).status_code == 404


@pytest.mark.parametrize("role", [None, Role.APPLICANT])
def test_export_and_import_are_refused_without_the_action(make_user, client_for, role) -> None:  # type: ignore[no-untyped-def]
    client = client_for(make_user(role, None))
    assert client.get(reverse("registry:export")).status_code == 403
    assert client.get(reverse("registry:import")).status_code == 403


def test_clerk_may_export_but_not_import(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(make_user(Role.CLERK, "330400"))
    assert client.get(reverse("registry:export")).status_code == 200
    assert client.get(reverse("registry:import")).status_code == 403


def test_export_is_audited_as_a_sensitive_read(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    EnterpriseFactory(name="苏州华芯链科技有限公司")
    EnterpriseFactory(name="苏州别的有限公司")
    analyst = make_user(Role.ANALYST)
    response = client_for(analyst).get(reverse("registry:export"), {"q": "芯链", "format": "csv"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # type: ignore[attr-defined]
    assert text.count("\n") == 2 and "华芯链" in text and "320505198503124516" not in text
    event = AuditEvent.objects.filter(action="enterprise.export").get()
    assert event.actor_id == analyst.pk
    assert event.after == {"query": {"q": "芯链"}, "format": "csv", "rows": 1}


def test_export_bad_parameters_answer_400(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(make_user(Role.ANALYST))
    assert client.get(reverse("registry:export"), {"format": "pdf"}).status_code == 400
    assert client.get(reverse("registry:export"), {"year": "x"}).status_code == 400
    assert not AuditEvent.objects.filter(action="enterprise.export").exists()


def test_xlsx_round_trip_gives_the_same_register(make_user, client_for, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REGISTRY_IMPORT_IN_BACKGROUND = False
    generated_to_db(generate(40, seed=5))
    original = sorted(export_row(e) for e in Enterprise.objects.all())
    client = client_for(make_user(Role.ADMIN))
    response = client.get(reverse("registry:export"), {"format": "xlsx"})
    workbook = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    Enterprise.objects.all().delete()
    upload = SimpleUploadedFile("register.xlsx", workbook)
    response = client.post(reverse("registry:import"), {"file": upload})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJobStatus.DONE and job.rows_created == 40
    assert sorted(export_row(e) for e in Enterprise.objects.all()) == original
    page = client.get(response["Location"]).content.decode()
    assert "100%" in page


def test_upload_reports_errors_and_offers_the_report(make_user, client_for, settings) -> None:  # type: ignore[no-untyped-def]
    settings.REGISTRY_IMPORT_IN_BACKGROUND = False
    content = ",".join(COLUMNS) + "\n"
    content += "BAD,名,320500,company,active,2020-01-01,1,张三,C3973,地址,\n"
    client = client_for(make_user(Role.ANALYST))
    response = client.post(reverse("registry:import"), {"file": SimpleUploadedFile("a.csv", content.encode())})
    job = ImportJob.objects.get()
    page = client.get(response["Location"]).content.decode()
    report_url = reverse("registry:import_errors", kwargs={"public_id": job.public_id})
    assert report_url in page
    report = client.get(report_url)
    text = b"".join(report.streaming_content).decode()  # type: ignore[attr-defined]
    assert "2,uscc,BAD," in text
    assert not Enterprise.objects.exists()


def test_upload_refuses_other_files(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    client = client_for(make_user(Role.ANALYST))
    response = client.post(reverse("registry:import"), {"file": SimpleUploadedFile("a.pdf", b"%PDF")})
    assert response.status_code == 400
    assert not ImportJob.objects.exists()


def test_the_registering_citys_examiner_archives_and_restores(make_user, client_for) -> None:  # type: ignore[no-untyped-def]
    enterprise = EnterpriseFactory(city_id="310117", name="松江档案测试科技有限公司")
    url = reverse("registry:archive", kwargs={"uscc": enterprise.uscc})
    detail = reverse("registry:detail", kwargs={"uscc": enterprise.uscc})
    examiner = client_for(make_user(Role.EXAMINER, "310117"))

    # A reason is required; nothing changes without one.
    response = examiner.post(url, {"reason": " "}, follow=True, headers={"accept-language": "en"})
    assert "Say why the enterprise is archived." in response.content.decode()
    enterprise.refresh_from_db()
    assert not enterprise.archived

    examiner.post(url, {"reason": "merged into another enterprise"})
    enterprise.refresh_from_db()
    assert enterprise.archived and enterprise.archived_reason == "merged into another enterprise"
    assert AuditEvent.objects.filter(action="enterprise.archive", object_id=str(enterprise.pk)).exists()
    # Off the public register for anyone else, still there (with the way back) for the examiner.
    assert Client().get(detail).status_code == 404
    page = examiner.get(detail, headers={"accept-language": "en"}).content.decode()
    assert "merged into another enterprise" in page and "Put back on the public register" in page
    # The archive form is on the page once, in its body, not in the page title.
    title = page.split("<title>", 1)[1].split("</title>", 1)[0]
    assert "form" not in title and enterprise.name in title
    assert page.count('class="reg-archive"') == 1

    examiner.post(url, {"undo": "1"})
    enterprise.refresh_from_db()
    assert not enterprise.archived
    assert Client().get(detail).status_code == 200


@pytest.mark.parametrize("role, city", [("examiner", "320500"), ("clerk", "310117"), ("analyst", None)])
def test_others_cannot_archive(make_user, client_for, role: str, city: str | None) -> None:  # type: ignore[no-untyped-def]
    enterprise = EnterpriseFactory(city_id="310117")
    response = client_for(make_user(Role(role), city)).post(
        reverse("registry:archive", kwargs={"uscc": enterprise.uscc}), {"reason": "no"}
    )
    assert response.status_code in (403, 404)
    enterprise.refresh_from_db()
    assert not enterprise.archived


def test_a_stalled_upload_is_resumed_from_the_page(make_user, client_for, settings, tmp_path) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt

    from django.utils import timezone

    from g60.registry.generator import generated_to_csv
    from g60.registry.importing import import_job_create

    settings.REGISTRY_IMPORT_IN_BACKGROUND = False
    path = tmp_path / "gen.csv"
    generated_to_csv(generate(12, seed=21), str(path))
    job = import_job_create(acting_user=None, path=path)
    client = client_for(make_user(Role.ANALYST))
    resume = reverse("registry:import_resume", kwargs={"public_id": job.public_id})
    page = reverse("registry:import_job", kwargs={"public_id": job.public_id})

    # Running and recently touched: not stalled, no button, resuming is refused.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING, last_committed_line=5)
    assert resume not in client.get(page).content.decode()
    client.post(resume)
    assert ImportJob.objects.get(pk=job.pk).status == ImportJobStatus.RUNNING
    assert not Enterprise.objects.exists()

    # Its process died three minutes ago after committing lines 2-5: the page offers to go on after line 5.
    ImportJob.objects.filter(pk=job.pk).update(modified_on=timezone.now() - dt.timedelta(minutes=3))
    assert resume in client.get(page, headers={"accept-language": "en"}).content.decode()
    client.post(resume)
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE
    assert job.last_committed_line == 13
    assert Enterprise.objects.count() == 8  # lines 6-13; lines 2-5 were (as if) written by the first run
