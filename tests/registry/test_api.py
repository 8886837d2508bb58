import json

import pytest
from django.test import Client

from g60.accounts.models import Role
from g60.api.services import api_token_create
from g60.registry.models import Enterprise
from tests.registry.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_search_answers_items_and_count() -> None:
    EnterpriseFactory(name="苏州华芯链科技有限公司")
    EnterpriseFactory(name="嘉兴某某有限公司")
    response = Client().get("/api/v1/enterprises", {"q": "芯链", "city": "320500", "limit": "10", "offset": "0"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["name"] == "苏州华芯链科技有限公司"
    assert len(body["items"][0]["uscc"]) == 18


def test_anonymous_callers_see_masked_names_and_never_the_id_number() -> None:
    enterprise = EnterpriseFactory(legal_representative="张晓明")
    items = Client().get("/api/v1/enterprises").json()["items"]
    assert items[0]["legal_representative"] == "张*明"
    assert "legal_representative_id_number" not in items[0]
    detail = Client().get(f"/api/v1/enterprises/{enterprise.uscc}").json()
    assert detail["legal_representative"] == "张*明"
    assert detail["legal_representative_id_number"] is None
    assert "320505198503124516" not in Client().get(f"/api/v1/enterprises/{enterprise.uscc}").content.decode()


def test_a_token_of_an_official_in_the_city_shows_more(make_user) -> None:  # type: ignore[no-untyped-def]
    enterprise = EnterpriseFactory(legal_representative="张晓明")
    clerk = make_user(Role.CLERK, "320500")
    _token, raw = api_token_create(acting_user=clerk, user=clerk)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    detail = Client().get(f"/api/v1/enterprises/{enterprise.uscc}", **headers).json()
    assert detail["legal_representative"] == "张晓明"
    assert detail["legal_representative_id_number"] == "320505***********6"
    listed = Client().get("/api/v1/enterprises", **headers).json()["items"][0]
    assert "legal_representative_id_number" not in listed


def test_unknown_uscc_is_404() -> None:
    assert Client().get("/api/v1/enterprises/91320500MA1XLH608E").status_code == 404


@pytest.mark.parametrize("params", [{"limit": "0"}, {"city": "999999"}, {"capital_min": "x"}, {"sort": "drop"}])
def test_bad_parameters_answer_422_with_the_field(params: dict[str, str]) -> None:
    response = Client().get("/api/v1/enterprises", params)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == set(params)


@pytest.mark.parametrize("q", ["芯链", "9132"])
def test_a_page_of_twenty_costs_the_queries_of_a_page_of_one(q: str) -> None:
    """The list reads only the columns it shows (selectors.LIST_FIELDS): a field it shows but does not read
    would cost a query per row, on the API and on the register's page alike."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(25):
        EnterpriseFactory(
            name=f"苏州芯链{i}号科技有限公司", name_en=f"Suzhou Xinlian {i}", legal_representative="张晓明"
        )

    def get(path: str, limit: str) -> tuple[int, str]:
        with CaptureQueriesContext(connection) as captured:
            response = Client().get(path, {"q": q, "limit": limit})
        assert response.status_code == 200
        return len(captured), response.content.decode()

    get("/api/v1/enterprises", "1")  # the process reads its copy of the cities once (cities_by_code)
    one, _body = get("/api/v1/enterprises", "1")
    twenty, body = get("/api/v1/enterprises", "20")
    items = json.loads(body)["items"]
    assert len(items) == 20 and items[0]["legal_representative"] == "张*明" and items[0]["city"]
    assert twenty == one
    page_queries, page = get("/register/", "20")
    assert page.count("张*明") == 20 and "芯链19号" in page.replace("<mark>", "").replace("</mark>", "")
    assert page_queries <= one + 2  # the page's own (session, messages), never one per row


def test_the_detail_lists_former_names_latest_first_in_one_statement_on_postgresql() -> None:
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from g60.registry.models import EnterpriseFormerName

    enterprise = EnterpriseFactory(name="苏州三名科技有限公司")
    for name, until in [("苏州一名科技有限公司", dt.date(2015, 1, 1)), ("苏州二名科技有限公司", dt.date(2020, 6, 30))]:
        EnterpriseFormerName.objects.create(enterprise=enterprise, name=name, used_until=until)
    plain = EnterpriseFactory()
    client = Client()
    client.get(f"/api/v1/enterprises/{plain.uscc}")  # the statement is compiled once, before the count
    with CaptureQueriesContext(connection) as queries:
        detail = client.get(f"/api/v1/enterprises/{enterprise.uscc}").json()
    # Read now: the next request empties the connection's query log (reset_queries).
    register_reads = [q["sql"] for q in queries.captured_queries if "registry_enterprise" in q["sql"]]
    assert len(register_reads) == (1 if connection.vendor == "postgresql" else 2)
    assert detail["name"] == "苏州三名科技有限公司"
    assert detail["former_names"] == ["苏州二名科技有限公司", "苏州一名科技有限公司"]
    assert client.get(f"/api/v1/enterprises/{plain.uscc}").json()["former_names"] == []


@pytest.mark.parametrize("authorization", ["Bearer g60_not-a-token", "bearer nonsense", "Bearer "])
def test_a_refused_bearer_token_is_401_not_anonymous(authorization: str) -> None:
    EnterpriseFactory()
    for path in ("/api/v1/enterprises", f"/api/v1/enterprises/{Enterprise.objects.get().uscc}"):
        response = Client().get(path, headers={"Authorization": authorization, "Accept-Language": "en"})
        assert response.status_code == 401, (path, response.content)
        assert response.json()["detail"] == "Authentication required."


def test_another_scheme_is_left_to_the_public_answer() -> None:
    EnterpriseFactory()
    response = Client().get("/api/v1/enterprises", headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert response.status_code == 200 and response.json()["count"] == 1
