"""The page, the health check, Plotly.js and the security headers over HTTP."""

import html
import json
import re
import time

from fastapi.testclient import TestClient

import rnn_core
from app import __version__
from app.main import app, create_app
from tests.app.wsutil import make_app, tiny_world

client = TestClient(app)


def test_healthz_reports_ok_and_version():
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("status", "version")} == {"status": "ok", "version": __version__}
    assert body["baselines"] in ("fitting", "ready")


def test_healthz_says_when_the_baselines_are_fitted(tmp_path):
    with TestClient(make_app(tiny_world(tmp_path))) as served:
        deadline = time.monotonic() + 30
        while served.get("/healthz").json()["baselines"] != "ready":
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_index_renders_the_page_with_the_sentence_box():
    response = client.get("/")
    assert response.status_code == 200
    assert 'aria-label="Sentence"' in response.text
    assert re.search(
        r'<script type="module" src="/static/js/main\.js\?v=[0-9a-f]{12}"', response.text
    )


def test_plotly_is_served_locally():
    response = client.get("/vendor/plotly.min.js")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/javascript")
    assert len(response.content) > 1_000_000


def test_assets_travel_compressed_content_addressed_and_cached():
    """For 30 students on classroom Wi-Fi: Plotly 4.8 MB becomes 1.5 MB on the wire, and a
    repeat visit downloads no asset again."""
    page = client.get("/").text
    plotly_url = re.search(r'data-plotly="([^"]+)"', page).group(1)
    css_url = re.search(r'href="(/static/css/app\.css\?v=[0-9a-f]{12})"', page).group(1)
    raw = client.get(plotly_url, headers={"accept-encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    assert int(raw.headers["content-length"]) < 1_600_000
    assert raw.headers["cache-control"] == "public, max-age=31536000, immutable"
    br = client.get(plotly_url, headers={"accept-encoding": "gzip, deflate, br, zstd"})
    assert br.headers["content-encoding"] == "br"
    assert int(br.headers["content-length"]) < 1_300_000
    plain = client.get("/vendor/plotly.min.js", headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers
    assert br.content == plain.content  # httpx decoded the Brotli body: the same file
    again = client.get(plotly_url, headers={"if-none-match": raw.headers["etag"]})
    assert again.status_code == 304 and again.content == b""
    css = client.get(css_url, headers={"accept-encoding": "gzip"})
    assert css.headers["content-encoding"] == "gzip"
    assert css.headers["cache-control"] == "public, max-age=31536000, immutable"
    module = client.get("/static/js/net.js")  # imported by main.js, without a hash
    assert module.headers["cache-control"] == "no-cache" and "etag" in module.headers
    revalidated = client.get("/static/js/net.js", headers={"if-none-match": module.headers["etag"]})
    assert revalidated.status_code == 304


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


def test_the_page_carries_the_engines_option_lists_for_the_labs_menus():
    page = client.get("/").text
    raw = re.search(r'data-options="([^"]+)"', page).group(1)
    assert json.loads(html.unescape(raw)) == rnn_core.options()
