"""The Content-Security-Policy (settings.CONTENT_SECURITY_POLICY): every answer of the site carries the strict policy,
and no template (nor any rendered page) holds what that policy refuses, so a template that would break a page
under it fails here rather than in a browser. The API's docs page has its own, slightly wider policy
(g60.api.root). tests/e2e/test_content_security_policy.py opens the pages in a real browser under the policy.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

from tests.core.test_page_language import common_pages, populated_pages
from tests.core.test_url_access import ACCESS_MAP, URL_KWARGS

pytestmark = pytest.mark.django_db

HEADER = "Content-Security-Policy"
STRICT = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Swagger UI's style sheet draws its icons as data: images; nothing else is relaxed on the docs page.
DOCS = {**STRICT, "img-src": ["'self'", "data:"]}


def policy(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} twice in {header!r}"
        directives[name] = sources
    return directives


# --- What the policy refuses, found in a template or a page -----------------------------------------------------

# Types of <script> that browsers do not run: data blocks (json_script, Swagger's settings) are allowed inline.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json", "text/template"}
# htmx attributes whose values or forms htmx evaluates as JavaScript (refused under allowEval false).
HTMX_EVAL = re.compile(r"^(?:data-)?hx-(?:on\b|vars$)")
JS_VALUE = re.compile(r"^\s*(?:js|javascript):", re.IGNORECASE)
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}


class _Breaches(HTMLParser):
    """What a strict policy (no 'unsafe-inline', no 'unsafe-eval') refuses: an inline <script> with code, an
    on*= event handler, a style= attribute, a <style> element, a javascript: URL, and htmx's eval features
    (hx-on, hx-vars, js: values in hx-vals, trigger filters in brackets)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._script: tuple[int, str] | None = None  # (line, code so far) of an inline script being read

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        values = {name: value or "" for name, value in attrs}
        if tag == "style":
            self.found.append(f"line {line}: a <style> element")
        if tag == "script" and "src" not in values and values.get("type", "").lower() not in DATA_SCRIPT_TYPES:
            self._script = (line, "")
        for name, value in values.items():
            if name.startswith("on"):
                self.found.append(f"line {line}: an event handler attribute {name}= on <{tag}>")
            elif name == "style":
                self.found.append(f"line {line}: a style= attribute on <{tag}>")
            elif name in URL_ATTRIBUTES and JS_VALUE.match(value):
                self.found.append(f"line {line}: a javascript: URL in {name}= on <{tag}>")
            elif HTMX_EVAL.match(name):
                self.found.append(f"line {line}: {name}= on <{tag}> (htmx evaluates it)")
            elif name.endswith("hx-vals") and JS_VALUE.match(value):
                self.found.append(f"line {line}: a js: value in {name}= on <{tag}> (htmx evaluates it)")
            elif name.endswith("hx-trigger") and "[" in value:
                self.found.append(f"line {line}: a trigger filter in {name}= on <{tag}> (htmx evaluates it)")

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script = (self._script[0], self._script[1] + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            line, code = self._script
            if code.strip():
                self.found.append(f"line {line}: an inline <script> with code")
            self._script = None


def breaches(html: str) -> list[str]:
    parser = _Breaches()
    parser.feed(html)
    parser.close()
    return parser.found


# A template's own syntax is taken away before the HTML is read: comments entirely (they may name what they
# explain), tags and variables replaced by a space, so that `{% if x %}onclick="…"{% endif %}` reads as the
# attribute it puts into the page.
TEMPLATE_COMMENT = re.compile(r"{%\s*comment\b.*?%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.DOTALL)
TEMPLATE_SYNTAX = re.compile(r"{%.*?%}|{{.*?}}", re.DOTALL)


def template_breaches(source: str) -> list[str]:
    return breaches(TEMPLATE_SYNTAX.sub(" ", TEMPLATE_COMMENT.sub(" ", source)))


def project_templates() -> list[Path]:
    return sorted(Path(django_settings.BASE_DIR).glob("**/templates/**/*.html"))


def test_the_template_scan_finds_what_the_policy_refuses() -> None:
    refused = {
        "<script>alert(1)</script>": "inline <script>",
        "<script type='module'>\nimport './x.js'\n</script>": "inline <script>",
        '<button onclick="go()">': "onclick=",
        '<body onLoad="go()">': "onload=",
        "<p {% if x %}onmouseover='go()'{% endif %}>": "onmouseover=",
        '<p style="color: red">': "style=",
        "<style>p { color: red }</style>": "<style>",
        '<a href=" javascript:go()">': "javascript:",
        '<form action="JavaScript:go()">': "javascript:",
        '<button hx-on:click="go()">': "hx-on:click",
        '<button hx-on::after-request="go()">': "hx-on::after-request",
        "<button hx-vals='js:{\"a\": go()}'>": "js: value",
        "<button data-hx-vals='javascript:{}'>": "js: value",
        "<button hx-vars='a:go()'>": "hx-vars",
        '<input hx-trigger="keyup[ctrlKey]">': "trigger filter",
    }
    for html, what in refused.items():
        found = template_breaches(html)
        assert len(found) == 1 and what in found[0], (html, found)
    allowed = [
        '<script src="/static/g60/site.js" defer></script>',
        '<script type="application/json" id="settings">{"a": 1}</script>',
        "<p>on=1, style=2: words in text</p>",
        '<button data-remove-closest="fieldset" class="on-remove">',
        '<a href="/onenetwork/">',
        '<button hx-vals=\'{"index": 1}\' hx-trigger="keyup changed delay:400ms, change">',
        "{% comment %}no <style> and no onclick= here{% endcomment %}<p>",
        '<meta name="htmx-config" content=\'{"allowEval": false{% block htmx_config %}{% endblock %}}\'>',
    ]
    for html in allowed:
        assert template_breaches(html) == [], html


def test_no_template_has_what_the_policy_refuses() -> None:
    templates = project_templates()
    assert Path(django_settings.BASE_DIR) / "templates" / "base.html" in templates
    assert len(templates) > 20
    problems = [
        f"{path.relative_to(django_settings.BASE_DIR)}: {breach}"
        for path in templates
        for breach in template_breaches(path.read_text(encoding="utf-8"))
    ]
    assert not problems, "\n".join(problems)


# --- The header on every answer ---------------------------------------------------------------------------------


def test_every_page_answers_with_the_strict_policy(tmp_path, settings) -> None:  # type: ignore[no-untyped-def]
    """The pages of tests/core/test_page_language.py (every page of the site, its htmx partials and its forms
    answered with errors, for the roles that see them): the strict header, and nothing in the HTML it refuses
    (the templates' widgets and included parts, rendered)."""
    settings.MEDIA_ROOT = tmp_path
    settings.REGISTRY_IMPORT_IN_BACKGROUND = False
    problems = []
    for page in common_pages() + populated_pages("en")[0]:
        response = page.respond()
        if policy(response.get(HEADER, "")) != STRICT:
            problems.append(f"{page.label}: {HEADER}: {response.get(HEADER)!r}")
        problems += [f"{page.label}: {breach}" for breach in breaches(response.content.decode())]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", sorted(ACCESS_MAP))
def test_every_url_answers_with_the_strict_policy(name: str) -> None:
    """Every URL of tests/core/test_url_access.py, as an anonymous visitor asks for it: pages, the login
    redirects, the 404s and 405s, the data all carry the strict policy."""
    response = Client().get(reverse(name, kwargs=URL_KWARGS.get(name)))
    assert policy(response[HEADER]) == STRICT


@pytest.mark.parametrize("path", ["/no/such/page/", "/admin/login/", "/api/v1/regions/cities"])
def test_other_answers_carry_the_strict_policy(path: str) -> None:
    response = Client().get(path)
    assert response.status_code in (200, 401, 404)
    assert policy(response[HEADER]) == STRICT


def test_htmx_runs_without_eval_and_without_its_own_style_element() -> None:
    """base.html's htmx-config, and the register page's, which adds its own keys to it (htmx reads the first)."""
    for url in ("/", "/register/"):
        html = Client().get(url).content.decode()
        configs = re.findall(r"<meta name=\"htmx-config\" content='([^']*)'>", html)
        assert len(configs) == 1, url
        config = json.loads(configs[0])
        assert config["includeIndicatorStyles"] is False and config["allowEval"] is False, url
    assert any(rule["code"] == "400" and rule["swap"] for rule in config["responseHandling"])


def test_the_api_docs_load_under_their_own_policy() -> None:
    """Swagger UI from ninja's static files: its own policy adds data: images only, and what the page loads is
    its scripts' and style sheet's files (no inline code) and the schema, from the platform itself."""
    client = Client()
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert policy(response[HEADER]) == DOCS
    html = response.content.decode()
    assert breaches(html) == []
    static = re.findall(r'(?:src|href)="/static/([^"]+)"', html)
    assert {"ninja/swagger-ui-bundle.js", "ninja/swagger-ui-init.js", "ninja/swagger-ui.css"} <= set(static)
    assert all(finders.find(path) for path in static), static
    settings_block = re.search(r'<script type="application/json" id="swagger-settings">(.*?)</script>', html, re.S)
    assert settings_block is not None
    schema_url = json.loads(settings_block.group(1))["url"]
    schema = client.get(schema_url)
    assert schema.status_code == 200 and schema.json()["info"]["title"] == "G60 Valley Platform API"


# --- The header built once (g60.core.middleware.ContentSecurityPolicyMiddleware) -----------------------------------


def test_the_header_built_once_is_the_librarys() -> None:
    from csp.utils import build_policy

    response = Client().get(reverse("core:home"))
    assert response[HEADER] == build_policy()


def test_a_changed_policy_is_sent_at_once(settings) -> None:  # type: ignore[no-untyped-def]
    Client().get(reverse("core:home"))  # the header of the settings before, built and kept
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {**STRICT, "img-src": ["'self'", "https://tiles.example.cn"]}}
    response = Client().get(reverse("core:home"))
    assert policy(response[HEADER])["img-src"] == ["'self'", "https://tiles.example.cn"]


def test_with_debug_on_the_library_decides(settings) -> None:  # type: ignore[no-untyped-def]
    # The library leaves Django's technical 404 page without a policy, whose inline styles it would block.
    settings.DEBUG = True
    assert HEADER not in Client().get("/no-such-page/")
    settings.DEBUG = False
    assert policy(Client().get("/no-such-page/")[HEADER]) == STRICT
