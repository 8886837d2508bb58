"""Django's error answers for pages (400, 403, CSRF failure, 404, 500) are the platform's own templates: in the
visitor's language, inside the site's layout with a way on, without the inline styles the Content-Security-Policy
blocks, and without the reason given to the error (an Http404's message can name what the visitor may not know
exists). The API answers its errors in JSON (tests/api/)."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import server_error

from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def _client(language: str, **kwargs: bool) -> Client:
    client = Client(**kwargs)
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize(
    ("language", "title", "text"),
    [
        ("zh-hans", "找不到该页面", "处没有页面"),
        ("en", "Page not found", "There is no page at <code>/register/91320500MA1XLH608E/</code>"),
    ],
)
def test_an_unknown_page_answers_404_in_the_visitors_language_inside_the_site(
    language: str, title: str, text: str
) -> None:
    response = _client(language).get("/register/91320500MA1XLH608E/")
    page = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}">' in page and f"<h1>{title}</h1>" in page and text in page
    assert 'class="site-header"' in page and 'href="/register/"' in page  # the layout, and a way on
    assert "<style" not in page and "The requested resource" not in page


def test_a_page_the_user_may_not_open_answers_403_in_their_language() -> None:
    client = _client("zh-hans")
    client.force_login(UserFactory())  # no role anywhere
    response = client.get(reverse("onenetwork:acceptance_queue"))
    page = response.content.decode()
    assert response.status_code == 403
    assert "<h1>无权访问</h1>" in page and "所在城市的平台管理员" in page and "403 Forbidden" not in page


@pytest.mark.parametrize(("language", "title"), [("zh-hans", "表单未被接受"), ("en", "The form could not be accepted")])
def test_a_form_sent_without_its_token_is_refused_in_the_visitors_language(language: str, title: str) -> None:
    response = _client(language, enforce_csrf_checks=True).post("/accounts/login/", {"username": "x", "password": "y"})
    page = response.content.decode()
    assert response.status_code == 403
    assert f"<h1>{title}</h1>" in page and 'class="site-header"' in page
    assert "<style" not in page and "CSRF verification failed" not in page


def test_a_request_for_a_host_the_site_does_not_serve_answers_400_in_the_visitors_language() -> None:
    response = _client("zh-hans").get("/", HTTP_HOST="attacker.example")
    page = response.content.decode()
    assert response.status_code == 400
    assert "<h1>请求有误</h1>" in page and "Bad Request" not in page


@pytest.mark.parametrize(
    ("language", "title", "text"),
    [("zh-hans", "服务器错误", "已记录"), ("en", "Server error", "it has been logged")],
)
def test_the_server_error_page_stands_alone_in_the_visitors_language(language: str, title: str, text: str) -> None:
    """Django renders it without a request's context (perhaps with the database down): nothing in it may need
    one. Rendered here as Django's handler does, with the language the request had."""
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in page and f"<h1>{title}</h1>" in page and text in page
    assert "/static/" in page and "<style" not in page
