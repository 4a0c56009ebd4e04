"""Figure export and the network's table: PNG, SVG and CSV files a teacher can put in slides,
and the numbers in them are the engine's."""

import csv
import io
import re
import xml.etree.ElementTree as ET

import numpy as np
from playwright.sync_api import expect

from tests.e2e.test_lab_helpers import open_lab
from tests.e2e.test_page_bptt import click_and_wait, pass_with_trace

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def download(page, bar, fmt: str) -> bytes:
    """Click the bar's `fmt` button and return the downloaded file's bytes."""
    with page.expect_download() as info:
        bar.locator(f"button[data-format={fmt}]").click()
    path = info.value.path()
    assert info.value.suggested_filename.endswith(f".{fmt}")
    with open(path, "rb") as f:
        return f.read()


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_network_downloads_as_png_svg_and_a_csv_of_the_engines_numbers(
    watched_page, live_server
):
    page, watch = watched_page
    x, trace = pass_with_trace(page, live_server)
    T = len(x)
    bar = page.locator("#network .export-bar")
    png = download(page, bar, "png")
    assert png.startswith(PNG_MAGIC) and len(png) > 2000
    drawing = ET.fromstring(download(page, bar, "svg"))
    assert drawing.tag == "{http://www.w3.org/2000/svg}svg"
    assert len(drawing.findall(".//{http://www.w3.org/2000/svg}rect")) > T * 16
    rows = csv_rows(download(page, bar, "csv"))
    assert rows[0] == ["", *[f"t = {t}" for t in range(1, T + 1)]]
    by_name = {row[0]: row[1:] for row in rows}
    s = trace.chains["1"].s  # (T, H)
    for j in (0, s.shape[1] - 1):
        shown = np.array([float(v) for v in by_name[f"s_t[{j + 1}]"]])
        np.testing.assert_allclose(shown, s[:, j], rtol=1e-6, atol=1e-7)
    assert "‖δ_t‖" not in by_name  # the backward pass has not started
    watch.assert_clean()


def test_the_table_alternative_shows_s_t_and_delta_once_the_backward_pass_reached_it(
    watched_page, live_server
):
    page, watch = watched_page
    x, trace = pass_with_trace(page, live_server)
    T = len(x)
    page.locator("#network details.net-table summary").click()
    table = page.get_by_role("table", name=re.compile("of every unit per time step"))
    expect(table).to_be_visible()
    header = table.locator("thead th").all_inner_texts()
    assert header[1:] == [f"t = {t}" for t in range(1, T + 1)]
    expect(table.locator("tbody th", has_text="‖δ_t‖")).to_have_count(0)
    for pos in range(1, T + 1):  # to the first backward frame, k = T
        click_and_wait(page, "Step forward", pos)
    norm_row = table.locator("tbody tr", has=page.locator("th", has_text="‖δ_t‖"))
    expect(norm_row).to_have_count(1)
    cells = norm_row.locator("td").all_inner_texts()
    assert cells[:-1] == [""] * (T - 1)  # only δ_T is known yet
    expected = np.linalg.norm(trace.chains["1"].delta[T - 1])
    assert abs(float(cells[-1].replace("\u2212", "-")) - expected) <= 5e-5 + 1e-4 * expected
    watch.assert_clean()


def test_the_gradient_flow_chart_and_a_lab_chart_download(watched_page, live_server):
    page, watch = watched_page
    x, _ = pass_with_trace(page, live_server)
    bar = page.locator("#gradflow .export-bar")
    expect(bar.locator("button[data-format=png]")).to_be_disabled()  # nothing plotted yet
    for pos in range(1, len(x) + 2):  # two backward steps
        click_and_wait(page, "Step forward", pos)
    expect(bar.locator("button[data-format=png]")).to_be_enabled()
    assert download(page, bar, "png").startswith(PNG_MAGIC)
    assert b"<svg" in download(page, bar, "svg")[:400]
    rows = csv_rows(download(page, bar, "csv"))
    assert rows[0] == ["series", "x", "y"] and len(rows) > 2

    lab = open_lab(page, live_server, "Gradient check")
    expect(lab.locator(".gc-worst")).to_have_attribute("data-worst", re.compile(r"\S"))
    lab_bar = lab.locator(".export-bar")
    expect(lab_bar.locator("button[data-format=csv]")).to_be_enabled()
    assert download(page, lab_bar, "png").startswith(PNG_MAGIC)
    assert len(csv_rows(download(page, lab_bar, "csv"))) > 5
    watch.assert_clean()
