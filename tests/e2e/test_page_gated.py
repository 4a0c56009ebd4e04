"""An LSTM or GRU as the page's model: the Remedies lab hands its trained LSTM to the page, the
Training lab makes a fresh GRU; the network draws every gate and the LSTM's cell path, and the
stepper's gated equations show, at every frame of the pass, the engine's numbers: each gate's
net and value, c_{t−1}, c_t, h_t going forward; δ_h and its shares, δ_c, the carried share and
every δ_q going backward. Hovered units give the exact values."""

import numpy as np
from playwright.sync_api import expect

from rnn_core.gated import split_gates
from tests.e2e.test_page_bptt import (
    click_and_wait,
    engine_trace,
    open_ready,
    parse_number,
    start_pass,
)

SENTENCE = "my phone is broken , so i will buy a new"

# every formula line as the numbers it shows: the vectors written out [v1, v2, v3, v4, …] and the
# other numbers (norms, probabilities), in the order the line shows them
READ_LINES = """() => [...document.querySelectorAll('#formula .formula-line')].map((line) => {
  const vectors = [];
  const scalars = [];
  const walk = (node, inVector) => {
    for (const child of node.children) {
      const isVector = child.localName === 'mrow' && child.firstElementChild?.textContent === '['
        && child.firstElementChild.localName === 'mo';
      if (isVector) vectors.push([...child.querySelectorAll('mn')].map((n) => n.textContent));
      else if (child.localName === 'mn' && !inVector && child.parentElement.localName === 'mrow'
        && child.parentElement.parentElement.localName === 'math') scalars.push(child.textContent);
      else walk(child, inVector);
    }
  };
  walk(line.querySelector('math'), false);
  return { vectors, scalars, note: line.querySelector('.note')?.textContent ?? '' };
})"""


def close(shown: list[str], exact: np.ndarray, where: str) -> None:
    """Every written-out entry equals the engine's to the last digit the page prints."""
    assert len(shown) == min(4, len(exact)), (where, shown)
    for text, value in zip(shown, exact, strict=False):
        number, tolerance = parse_number(text)
        # in float64: a float32 difference rounds 0.9999 − 0.99995 up past half a last digit
        assert abs(number - float(value)) <= tolerance, (where, text, value)


def scalar(text: str, value: float, where: str) -> None:
    number, tolerance = parse_number(text)
    assert abs(number - float(value)) <= tolerance, (where, text, value)


def use_remedy_model(page, name: str) -> None:
    """Compare the remedies, then make `name` the page's model from its row of the table."""
    page.locator("#lab-tab-remedies").click()
    use = page.locator(f".remedy-use[data-model='{name}']")
    expect(use).to_be_visible(timeout=60_000)
    use.click()
    expect(page.locator("body")).to_have_attribute("data-model", name)
    expect(page.locator("#lab-remedies .lab-status")).to_contain_text(name)


def test_an_lstm_pass_shows_every_gate_c_and_delta_c_of_the_engine_trace(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    use_remedy_model(page, "en-lstm")
    start_pass(page, SENTENCE)
    net = page.get_by_role("img", name="Unrolled network")
    expect(net).to_have_class("net gated lstm")
    x, trace = engine_trace(page, live_server, SENTENCE)
    assert trace.chains["1"].cell == "lstm"
    c = trace.chains["1"]
    T = len(x)
    H = c.s.shape[1]
    expect(net.locator("line.cell-path")).to_have_count(1)
    expect(net.locator("g.strip[data-kind=cell]")).to_have_count(T)
    for name in ("f", "i", "c_tilde", "o"):
        expect(net.locator(f"g.strip[data-kind={name}]")).to_have_count(T)

    # hover gives the exact value: the forget gate's unit 3 at t = 2
    gates = split_gates("lstm", c.gates)
    tip = net.locator("g.column[data-t='2'] g.strip[data-kind=f] rect[data-tip]").nth(2)
    assert float(tip.get_attribute("data-tip").split("= ")[1]) == gates["f"][1, 2]
    tip = net.locator("g.column[data-t='3'] g.strip[data-kind=cell] rect[data-tip]").nth(0)
    assert float(tip.get_attribute("data-tip").split("= ")[1]) == c.c[2, 0]

    nets = split_gates("lstm", c.net)
    for pos in range(T):
        if pos:
            click_and_wait(page, "Step forward", pos)
        lines = page.evaluate(READ_LINES)
        i = pos
        for g, name in enumerate(("f", "i", "c_tilde", "o")):
            close(lines[2 * g]["vectors"][0], nets[name][i], f"net_{name}, t={i + 1}")
            close(lines[2 * g + 1]["vectors"][0], gates[name][i], f"{name}_t, t={i + 1}")
        close(lines[8]["vectors"][0], c.c_prev[i], f"c_t-1, t={i + 1}")
        close(lines[9]["vectors"][0], c.c[i], f"c_t, t={i + 1}")
        close(lines[10]["vectors"][0], c.s[i], f"h_t, t={i + 1}")
        scalar(lines[11]["scalars"][0], trace.o[i, trace.y[i]], f"ŷ_t[y_t], t={i + 1}")
        scalar(lines[11]["scalars"][1], trace.loss_t[i], f"E_t, t={i + 1}")

    deltas = split_gates("lstm", c.delta_gates)
    for j in range(T):
        click_and_wait(page, "Step forward", T + j)
        k = T - 1 - j
        lines = page.evaluate(READ_LINES)
        where = f"k={k + 1}"
        close(lines[0]["vectors"][0], c.delta_out[k], "δ_out " + where)
        close(lines[1]["vectors"][0], c.delta_time[k], "δ_time " + where)
        close(lines[2]["vectors"][0], c.delta[k], "δ_h " + where)
        scalar(lines[2]["scalars"][-1], np.linalg.norm(c.delta[k]), "‖δ_h‖ " + where)
        close(lines[3]["vectors"][0], c.delta_c[k], "δ_c " + where)
        close(lines[4]["vectors"][0], c.delta_carry[k], "carry " + where)
        scalar(lines[4]["scalars"][-1], np.linalg.norm(c.delta_carry[k]), "‖carry‖ " + where)
        for g, name in enumerate(("f", "i", "c_tilde", "o")):
            close(lines[5 + g]["vectors"][0], deltas[name][k], f"δ_{name} " + where)
        if k == T - 1:
            assert "nothing arrives" in lines[1]["note"]
    # the carried share arrives on the cell path: one arrow per step but the last
    click_and_wait(page, "Step forward", 2 * T)
    carried = net.locator("line.carry-arrow.on")
    expect(carried).to_have_count(T - 1)
    expect(page.locator("#formula")).to_contain_text("diag")
    page.locator("#network details.net-table summary").click()
    table = page.locator("#network table.net-values")
    expect(table.locator("th", has_text="δ_c,t[1]")).to_have_count(1)
    row = table.locator("tr", has=page.locator("th", has_text="f_t[1]")).first
    shown = row.locator("td").all_text_contents()
    for text, value in zip(shown, gates["f"][:, 0], strict=True):
        scalar(text, value, "table f_t[1]")
    assert H == c.delta_c.shape[1]
    watch.assert_clean()


def test_a_fresh_gru_from_the_training_lab_shows_its_gates_and_the_reset_share(
    watched_page, live_server
):
    page, watch = watched_page
    open_ready(page, live_server)
    page.locator("#lab-tab-training").click()
    lab = page.locator("#lab-training")
    cell = lab.get_by_label("Cell")
    activation = lab.get_by_label("Activation")
    cell.select_option("gru")
    expect(activation).to_be_disabled()
    expect(activation).to_have_value("tanh")
    lab.get_by_role("button", name="New model with these settings").click()
    expect(lab.locator(".lab-status")).to_contain_text("GRU")
    start_pass(page, SENTENCE)
    net = page.get_by_role("img", name="Unrolled network")
    expect(net).to_have_class("net gated gru")
    expect(net.locator("line.cell-path")).to_have_count(0)
    x, trace = engine_trace(page, live_server, SENTENCE)
    c = trace.chains["1"]
    assert c.cell == "gru"
    click_and_wait(page, "Step forward", 1)  # t = 2: h_{t−1} is no longer 0
    lines = page.evaluate(READ_LINES)
    values = split_gates("gru", c.gates)
    nets = split_gates("gru", c.net)
    for g, name in enumerate(("z", "r", "h_tilde")):
        close(lines[2 * g]["vectors"][0], nets[name][1], f"net_{name}")
        close(lines[2 * g + 1]["vectors"][0], values[name][1], name)
    close(lines[6]["vectors"][0], c.s_prev[1], "h_t-1")
    close(lines[7]["vectors"][0], c.s[1], "h_t")
    T = len(x)
    for pos in range(2, T + 2):  # to k = T − 1, where z_{k+1} ∘ δ_{h,k+1} arrives
        click_and_wait(page, "Step forward", pos)
    lines = page.evaluate(READ_LINES)
    k = T - 2
    close(lines[2]["vectors"][0], c.delta[k], "δ_h")
    close(lines[3]["vectors"][0], c.delta_carry[k], "z ∘ δ_h")
    z = values["z"]
    np.testing.assert_allclose(c.delta_carry[k], z[k + 1] * c.delta[k + 1], rtol=1e-12)
    watch.assert_clean()


def test_the_tour_puts_a_shipped_lstm_back_to_the_rnn_it_explains(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    use_remedy_model(page, "en-lstm")
    page.locator("#tour-open").click()
    expect(page.locator("body")).to_have_attribute("data-model", "en-lm", timeout=20_000)
    expect(page.locator("#tour .tour-problem")).to_be_hidden()
    watch.assert_clean()


def test_the_tour_keeps_a_learners_own_gru_and_says_so(watched_page, live_server):
    page, watch = watched_page
    open_ready(page, live_server)
    page.locator("#lab-tab-training").click()
    lab = page.locator("#lab-training")
    lab.get_by_label("Cell").select_option("gru")
    lab.get_by_role("button", name="New model with these settings").click()
    expect(lab.locator(".lab-status")).to_contain_text("GRU")
    page.locator("#tour-open").click()
    problem = page.locator("#tour .tour-problem")
    expect(problem).to_be_visible()
    expect(problem).to_contain_text("GRU")
    expect(page.locator("body")).to_have_attribute("data-model", "custom")
    watch.assert_clean()


def test_a_chinese_sentence_with_the_english_lstm_is_read_by_the_chinese_lstm(
    watched_page, live_server
):
    page, watch = watched_page
    open_ready(page, live_server)
    use_remedy_model(page, "en-lstm")
    start_pass(page, "我的手机坏了，我打算买一部新")
    expect(page.locator("#bptt")).to_have_attribute("data-model", "zh-lstm")
    expect(page.get_by_role("img", name="Unrolled network")).to_have_class("net gated lstm")
    expect(page.locator("#status")).to_contain_text("zh-lstm")
    watch.assert_clean()
