// The labs of issue 7 as one view of the page: mountLabs(root, app) wires the tabs of
// templates/partials/labs.html to one class per lab and returns {render(state, changed)},
// a view like the page's others. `app` is the page's {send(message) → id, on(type, handler),
// state} (static/js/main.js): the labs use the page's session, so training, a new model or a
// loaded file change what the whole page shows. Passes that would replace the page's held bptt
// pass (deep, truncated) go through a scratch session the labs open on first use.

import { plotly } from "../util.js";
import { BidirectionalLab } from "./bidirectional.js";
import { Channel, openScratchLink } from "./channel.js";
import { DataLab } from "./data.js";
import { DeepLab } from "./deep.js";
import { FilesLab } from "./files.js";
import { GenerateLab } from "./generate.js";
import { GradcheckLab } from "./gradcheck.js";
import { LossLab } from "./loss.js";
import { RemediesLab } from "./remedies.js";
import { SoftmaxLab } from "./softmax.js";
import { applyLabStrings } from "./strings.js";
import { TrainingLab } from "./training.js";
import { TruncatedLab } from "./truncated.js";
import { VanishingLab } from "./vanishing.js";

// one class per lab (ui.js's Lab: constructor(body, ctx), show(state), render(state, changed, visible))
const LABS = {
  training: TrainingLab,
  vanishing: VanishingLab,
  softmax: SoftmaxLab,
  data: DataLab,
  bidirectional: BidirectionalLab,
  deep: DeepLab,
  remedies: RemediesLab,
  gradcheck: GradcheckLab,
  truncated: TruncatedLab,
  loss: LossLab,
  files: FilesLab,
  generate: GenerateLab,
};

export function mountLabs(root, app) {
  let scratch = null;
  const ctx = {
    page: new Channel(app),
    scratch() {
      scratch ??= new Channel(openScratchLink());
      return scratch;
    },
    state: app.state,
  };
  const labs = new Map();
  for (const panel of root.querySelectorAll("[role=tabpanel][data-lab]")) {
    const name = panel.dataset.lab;
    labs.set(name, new LABS[name](panel.querySelector(".lab-body"), ctx));
  }
  const tabs = [...root.querySelectorAll("[role=tab]")];
  let shown = null;

  function select(name) {
    if (!labs.has(name)) return;
    shown = name;
    for (const tab of tabs) {
      const on = tab.dataset.lab === name;
      tab.setAttribute("aria-selected", String(on));
      tab.tabIndex = on ? 0 : -1;
    }
    for (const panel of root.querySelectorAll("[role=tabpanel]")) {
      panel.hidden = panel.dataset.lab !== name;
    }
    labs.get(name).show(app.state);
  }

  root.querySelector("[role=tablist]").addEventListener("click", (event) => {
    const tab = event.target.closest("[role=tab]");
    if (!tab) return;
    plotly(); // a learner who opens a lab will see a chart soon: fetch Plotly.js now
    select(tab.dataset.lab);
  });
  root.querySelector("[role=tablist]").addEventListener("keydown", (event) => {
    const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
    if (!step) return;
    event.preventDefault();
    event.stopPropagation();
    const i = tabs.findIndex((tab) => tab.dataset.lab === shown);
    const next = tabs[(i + step + tabs.length) % tabs.length];
    select(next.dataset.lab);
    next.focus();
  });

  function render(state, changed) {
    if (changed.has("lang")) applyLabStrings(root, state.lang);
    for (const [name, lab] of labs) lab.render(state, changed, name === shown);
  }

  applyLabStrings(root, app.state.lang);
  select(tabs[0].dataset.lab);
  return {
    render,
    /** The lab shown now, and showing one by name (the link of a page restores it). */
    get shown() {
      return shown;
    },
    open(name) {
      if (labs.has(name) && name !== shown) {
        plotly();
        select(name);
      }
    },
    /** The labs' channels (the page's session and the scratch one), for the tour's questions. */
    page: ctx.page,
    scratch: ctx.scratch,
  };
}
