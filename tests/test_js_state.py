"""static/js/state.js, the page's one state, run in Node: set(patch) announces exactly the change
keys of the fields whose value changed, changed(...keys) only keys of CHANGES, and neither a
field nor a key that is not declared can be written (the state object is sealed)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
NODE = shutil.which("node")

SCRIPT = """
import { CHANGES, createStore } from "%s";
const seen = [];
const { state, set, changed } = createStore((what) => seen.push([...what].sort()));
const out = {};
set({ lang: "en" });  // the initial value: nothing changed
out.unchanged = seen.length;
set({ lang: "zh", text: "我的手机坏了" });  // text is drawn from no change key of its own
set({ predict: { tokens: [] }, predictText: "我的手机坏了", selected: null });
changed("pos", "playing");
out.seen = seen;
out.lang = state.lang;
const threw = (f) => { try { f(); return null; } catch (e) { return e.message; } };
out.unknown_field = threw(() => set({ colour: "red" }));
out.unknown_key = threw(() => changed("colour"));
out.sealed = threw(() => { state.colour = "red"; });
out.changes = CHANGES;
console.log(JSON.stringify(out));
"""


# Where `make test` installed the JavaScript tools (npm ci), Node is there and this test runs;
# a machine without npm skips it, as it skips Biome's lint (Makefile, js-tools).
JS_TOOLS = (ROOT / "node_modules" / ".installed").exists()


@pytest.mark.skipif(NODE is None and not JS_TOOLS, reason="npm and node are not installed")
def test_the_state_announces_what_changed_and_refuses_what_is_not_declared():
    assert NODE is not None, "make test installed the JavaScript tools, but node is not on PATH"
    module = (ROOT / "static" / "js" / "state.js").as_uri()
    result = subprocess.run(
        [NODE, "--input-type=module", "-e", SCRIPT % module],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["unchanged"] == 0
    assert out["seen"] == [["lang"], ["predict"], ["playing", "pos"]]
    assert out["lang"] == "zh"
    assert "colour" in out["unknown_field"]
    assert "colour" in out["unknown_key"]
    assert out["sealed"] is not None  # a module is strict: writing a new field throws
    assert set(out["changes"]) >= {"connection", "model", "lang", "predict", "pass", "pos", "error"}
