"""The page, the health check, Plotly.js and the security headers over HTTP."""

import re

from fastapi.testclient import TestClient

from app import __version__
from app.main import app, create_app

client = TestClient(app)


def test_healthz_reports_ok_and_version():
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "version": __version__}


def test_index_renders_the_page_with_the_sentence_box():
    response = client.get("/")
    assert response.status_code == 200
    assert 'aria-label="Sentence"' in response.text
    assert '<script type="module" src="/static/js/main.js">' in response.text


def test_plotly_is_served_locally():
    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert len(response.content) > 1_000_000


def test_csp_forbids_inline_and_foreign_scripts():
    csp = client.get("/").headers["content-security-policy"]
    assert "script-src 'self';" in csp
    assert "frame-ancestors 'none'" in csp
    assert client.get("/").headers["x-content-type-options"] == "nosniff"


def test_api_docs_page_uses_local_swagger_assets_only():
    html = client.get("/docs").text
    assert '<script src="/vendor/swagger/swagger-ui-bundle.js">' in html
    assert "cdn" not in html.lower()
    assert client.get("/vendor/swagger/swagger-ui-bundle.js").status_code == 200
    assert client.get("/openapi.json").json()["info"]["title"] == "Unrolled"


def test_every_response_carries_the_security_headers_even_a_crash():
    crashing = create_app()

    @crashing.get("/crash")
    def crash() -> None:
        raise RuntimeError("a bug")

    with TestClient(crashing, raise_server_exceptions=False) as crash_client:
        responses = [
            crash_client.get(path) for path in ("/crash", "/nope", "/static/nope.js", "/healthz")
        ]
        responses.append(crash_client.delete("/api/models"))
    assert [r.status_code for r in responses] == [500, 404, 404, 200, 405]
    for response in responses:
        assert "script-src 'self';" in response.headers["content-security-policy"]
        assert response.headers["x-content-type-options"] == "nosniff"
    assert "a bug" not in responses[0].text and "Traceback" not in responses[0].text


def test_pages_hold_no_inline_script():
    for path in ("/", "/docs"):
        scripts = re.findall(r"<script\b[^>]*>", client.get(path).text)
        assert scripts and all(" src=" in tag for tag in scripts)
