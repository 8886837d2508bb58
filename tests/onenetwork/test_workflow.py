"""Every transition through the services: the happy path, illegal transitions (typed error with a code), the
reasons, the timeline, the deadlines in working days and the email sent only after commit."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from g60.accounts.models import Role
from g60.audit.models import AuditEvent
from g60.audit.verify import audit_verify
from g60.onenetwork import services
from g60.onenetwork.models import Application, ApplicationEvent, NameReservation
from g60.onenetwork.selectors import is_overdue
from g60.onenetwork.transitions import TRANSITIONS, TransitionNotAllowed
from g60.onenetwork.workdays import add_working_days, is_working_day
from g60.regions.models import City
from g60.signing.services import signing_key_ensure
from tests.onenetwork.factories import JIAXING, PDF, SONGJIANG, advance, draft, official

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media")]


def test_the_happy_path_and_its_timeline() -> None:
    application = draft()
    clerk, examiner = official(Role.CLERK, JIAXING), official(Role.EXAMINER, SONGJIANG)
    application = services.application_submit(acting_user=application.applicant, application=application)
    assert application.state == "submitted" and application.acceptance_due is not None
    application = services.application_accept(acting_user=clerk, application=application)
    assert application.state == "accepted" and application.examination_due is not None
    application = services.application_start_examination(acting_user=examiner, application=application)
    assert application.state == "under_examination"
    application = services.application_approve(acting_user=examiner, application=application)
    assert application.state == "licence_issued"
    steps = list(ApplicationEvent.objects.filter(application=application).values_list("step", "to_state", "actor"))
    assert steps == [
        ("create", "draft", application.applicant.pk),
        ("submit", "submitted", application.applicant.pk),
        ("accept", "accepted", clerk.pk),
        ("start_examination", "under_examination", examiner.pk),
        ("approve", "approved", examiner.pk),
        ("issue_licence", "licence_issued", examiner.pk),
    ]
    actions = set(AuditEvent.objects.filter(object_id=str(application.pk)).values_list("action", flat=True))
    assert {"application.submit", "application.accept", "application.approve", "application.issue_licence"} <= actions


def test_an_approval_appends_its_four_events_together_in_order() -> None:
    application = advance(draft(), "under_examination")
    examiner = official(Role.EXAMINER, SONGJIANG)
    signing_key_ensure(city=City.objects.get(pk=SONGJIANG))  # the city's first key is made (and audited) apart
    with CaptureQueriesContext(connection) as queries:
        application = services.application_approve(acting_user=examiner, application=application)
    sql = [q["sql"] for q in queries.captured_queries]
    head_locks = [s for s in sql if s.startswith("SELECT") and "audit_audithead" in s]
    assert len(head_locks) == 1  # one lock of the chain's head, at the end of the approval
    last = list(AuditEvent.objects.order_by("-seq")[:4])[::-1]
    assert [event.action for event in last] == [
        "application.approve",
        "application.issue_licence",
        "enterprise.register",
        "licence.issue",
    ]
    assert [event.seq for event in last] == list(range(last[0].seq, last[0].seq + 4))
    assert audit_verify().ok


def test_return_for_correction_and_resubmit() -> None:
    application = advance(draft(), "submitted")
    clerk = official(Role.CLERK, JIAXING)
    with pytest.raises(ValidationError) as error:
        services.application_return(acting_user=clerk, application=application, reason="  ")
    assert "reason" in error.value.message_dict
    application = services.application_return(acting_user=clerk, application=application, reason="地址证明不清晰")
    assert application.state == "returned_for_correction" and application.last_reason == "地址证明不清晰"
    application = services.application_update(
        acting_user=application.applicant, application=application, values={"address": "上海市松江区新址 8 号"}
    )
    application = services.application_submit(acting_user=application.applicant, application=application)
    assert application.state == "submitted"


def test_reject_needs_a_reason_and_releases_the_name() -> None:
    application = advance(draft(), "under_examination")
    examiner = official(Role.EXAMINER, SONGJIANG)
    with pytest.raises(ValidationError):
        services.application_reject(acting_user=examiner, application=application, reason="")
    application = services.application_reject(acting_user=examiner, application=application, reason="经营范围不符")
    assert application.state == "rejected"
    assert NameReservation.objects.get(application=application).released_at is not None


@pytest.mark.parametrize("state", ["draft", "submitted", "accepted", "under_examination"])
def test_withdraw_before_a_decision(state: str) -> None:
    application = draft() if state == "draft" else advance(draft(), state)
    application = services.application_withdraw(acting_user=application.applicant, application=application)
    assert application.state == "withdrawn"


def test_no_withdrawal_after_the_licence() -> None:
    application = advance(draft(), "licence_issued")
    with pytest.raises(TransitionNotAllowed) as error:
        services.application_withdraw(acting_user=application.applicant, application=application)
    assert error.value.code == "illegal_transition"


@pytest.mark.parametrize(
    ("state", "step"),
    [
        ("draft", "accept"),
        ("draft", "approve"),
        ("submitted", "start_examination"),
        ("submitted", "approve"),
        ("submitted", "reject"),
        ("accepted", "approve"),
        ("accepted", "return"),
        ("under_examination", "accept"),
        ("licence_issued", "reject"),
        ("licence_issued", "return"),
    ],
)
def test_illegal_transitions_raise_a_typed_error_and_change_nothing(state: str, step: str) -> None:
    application = draft() if state == "draft" else advance(draft(), state)
    actor = official(Role.CLERK, JIAXING) if TRANSITIONS[step].party == "window" else official(Role.EXAMINER, SONGJIANG)
    functions = {
        "accept": services.application_accept,
        "approve": services.application_approve,
        "start_examination": services.application_start_examination,
    }
    with pytest.raises(TransitionNotAllowed) as error:
        if step in functions:
            functions[step](acting_user=actor, application=application)
        else:
            getattr(services, f"application_{step}")(acting_user=actor, application=application, reason="x")
    assert error.value.code == "illegal_transition" and error.value.state == state
    assert Application.objects.get(pk=application.pk).state == state


def test_a_retried_step_is_a_no_op() -> None:
    application = advance(draft(), "accepted")
    clerk = official(Role.CLERK, JIAXING)
    events = ApplicationEvent.objects.filter(application=application).count()
    again = services.application_accept(acting_user=clerk, application=application)
    assert again.state == "accepted"
    assert ApplicationEvent.objects.filter(application=application).count() == events


def test_incomplete_application_cannot_be_submitted() -> None:
    applicant = draft().applicant
    empty = services.application_create(acting_user=applicant, values={"name_en": "Empty"})
    with pytest.raises(ValidationError) as error:
        services.application_submit(acting_user=applicant, application=empty)
    fields = set(error.value.message_dict)
    assert {
        "name",
        "domicile_city",
        "window_city",
        "legal_representative_id_number",
        "shareholders",
        "documents",
    } <= fields
    assert Application.objects.get(pk=empty.pk).state == "draft"


def test_only_the_applicant_edits_and_submits_their_draft() -> None:
    application = draft()
    other = draft().applicant
    with pytest.raises(PermissionDenied):
        services.application_update(acting_user=other, application=application, values={"address": "x"})
    with pytest.raises(PermissionDenied):
        services.application_submit(acting_user=other, application=application)
    clerk = official(Role.CLERK, JIAXING)
    with pytest.raises(PermissionDenied):
        services.application_submit(acting_user=clerk, application=application)
    assert Application.objects.get(pk=application.pk).state == "draft"


def test_officials_act_only_for_their_city() -> None:
    application = advance(draft(window=JIAXING, domicile=SONGJIANG), "submitted")
    # The domicile city's clerk is not the window.
    with pytest.raises(PermissionDenied):
        services.application_accept(acting_user=official(Role.CLERK, SONGJIANG), application=application)
    application = services.application_accept(acting_user=official(Role.CLERK, JIAXING), application=application)
    # The window city's examiner does not examine a Songjiang company.
    with pytest.raises(PermissionDenied):
        services.application_start_examination(acting_user=official(Role.EXAMINER, JIAXING), application=application)
    assert Application.objects.get(pk=application.pk).state == "accepted"


def test_a_submitted_application_cannot_be_edited() -> None:
    application = advance(draft(), "submitted")
    with pytest.raises(TransitionNotAllowed) as error:
        services.application_update(acting_user=application.applicant, application=application, values={"address": "x"})
    assert error.value.code == "not_editable"


def _stored_pdfs(media) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(p.name for p in media.rglob("*.pdf"))


def test_a_refused_document_leaves_no_file(media) -> None:  # type: ignore[no-untyped-def]
    application, other = draft(), draft().applicant
    files = _stored_pdfs(media)
    document = {"kind": "articles", "filename": "b.pdf", "content": PDF + b"%b", "content_type": "application/pdf"}
    # Someone else's application: refused before anything is written.
    with pytest.raises(PermissionDenied):
        services.document_add(acting_user=other, application=application, **document)
    assert _stored_pdfs(media) == files
    # An application that moved on since it was read (the object still says draft): the file is written
    # outside the transaction, refused under the row lock, and removed again.
    stale = Application.objects.get(pk=application.pk)
    services.application_submit(acting_user=application.applicant, application=application)
    with pytest.raises(TransitionNotAllowed):
        services.document_add(acting_user=application.applicant, application=stale, **document)
    assert _stored_pdfs(media) == files
    assert application.documents.count() == 1


def test_email_is_sent_after_commit_only(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    application = draft()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.application_submit(acting_user=application.applicant, application=application)
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [application.applicant.email]
    assert application.reference in message.subject
    assert "submitted" in message.body  # the English half of the bilingual message


def test_no_email_for_a_rolled_back_step(django_capture_on_commit_callbacks) -> None:  # type: ignore[no-untyped-def]
    applicant = draft().applicant
    empty = services.application_create(acting_user=applicant, values={})
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationError):
        services.application_submit(acting_user=applicant, application=empty)
    assert mail.outbox == []


# --- Working days and deadlines ----------------------------------------------------------------------------


def test_working_days_skip_weekends_and_2026_holidays() -> None:
    assert not is_working_day(dt.date(2026, 11, 21))  # Saturday
    assert not is_working_day(dt.date(2026, 10, 1))  # National Day, a Thursday
    assert is_working_day(dt.date(2026, 10, 10))  # make-up working Saturday
    assert add_working_days(dt.date(2026, 11, 20), 2) == dt.date(2026, 11, 24)  # Fri + 2 → Tue
    assert add_working_days(dt.date(2026, 9, 30), 1) == dt.date(2026, 10, 8)  # over the National Day week
    assert add_working_days(dt.date(2026, 10, 9), 1) == dt.date(2026, 10, 10)  # the make-up Saturday counts


def test_deadlines_and_overdue_flag() -> None:
    application = advance(draft(), "submitted")
    due = application.acceptance_due
    assert due is not None
    assert not is_overdue(application, today=due)
    assert is_overdue(application, today=due + dt.timedelta(days=1))
    application = services.application_accept(acting_user=official(Role.CLERK, JIAXING), application=application)
    assert application.examination_due is not None
    assert not is_overdue(application, today=application.examination_due)
    assert is_overdue(application, today=application.examination_due + dt.timedelta(days=1))
