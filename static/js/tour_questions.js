// The tour's predict-then-reveal questions (docs/tour.md). A kind has no answer key: prepare(q)
// gives the choices (from the live page where they depend on it), reveal(q) asks the session's
// server for the frame that decides, and returns the answer with the numbers that explain it.
// `q` is the tour's context: {lang, param(name), lab(name), predict(), passFrame(pos), totals(),
// page, scratch(), sentence, limits} (static/js/tour.js). app.tour.QUESTIONS lists the same kinds.

import { builtinModels, fullPass } from "./labs/channel.js";
import { parseZ } from "./labs/softmax.js";
import { sci } from "./labs/ui.js";
import { vanishingMessage } from "./labs/vanishing.js";
import { fmt, languageOf, maxAbs, pct } from "./util.js";

const MODEL_NAMES = {
  en: { rnn: "RNN", bigram: "2-gram", trigram: "3-gram" },
  zh: { rnn: "RNN", bigram: "2 元模型", trigram: "3 元模型" },
};
const GROW = (lang) => [
  { value: "grow", label: lang === "zh" ? "变大" : "grow" },
  { value: "shrink", label: lang === "zh" ? "变小" : "shrink" },
];
const YES_NO = (lang) => [
  { value: "yes", label: lang === "zh" ? "会" : "yes" },
  { value: "no", label: lang === "zh" ? "不会" : "no" },
];
// A loss −ln p in one of four ranges: the learner guesses its size, the frame decides.
const RANGES = [
  { value: "lt1", below: 1, en: "less than 1", zh: "小于 1" },
  { value: "1to3", below: 3, en: "between 1 and 3", zh: "1 到 3 之间" },
  { value: "3to5", below: 5, en: "between 3 and 5", zh: "3 到 5 之间" },
  { value: "gt5", below: Number.POSITIVE_INFINITY, en: "more than 5", zh: "大于 5" },
];

const rangeChoices = (lang) => RANGES.map((r) => ({ value: r.value, label: r[lang] }));
/** The range a loss falls in (a non-finite loss, null on the wire, is "more than 5"). */
const rangeOf = (loss) => (loss === null ? "gt5" : RANGES.find((r) => loss < r.below).value);
const quote = (lang, w) => (lang === "zh" ? `“${w}”` : `“${w}”`);
const joinWords = (frame, words) => words.join(frame.language === "zh" && frame.unit === "word" ? "" : " ");

/** Position `at` ("last" or a number) of a predict frame, kept inside the sentence. */
function positionOf(frame, at) {
  const last = frame.positions.length - 1;
  return at === "last" ? last : Math.min(Number(at), last);
}

/** The probability a top-k list gives `word`, null when it is not in the list. */
function pOf(list, word) {
  return list.find((w) => w.word === word)?.p ?? null;
}

export const QUESTIONS = {
  top_word: {
    async prepare(q) {
      const frame = await q.predict();
      const t = positionOf(frame, q.param("at"));
      const row = frame.positions[t];
      const model = q.param("model");
      const words = [...row[model].slice(0, 3), row.rnn[0], row.bigram[0], row.trigram[0]]
        .filter(Boolean)
        .map((w) => w.word);
      const choices = [...new Set(words)].slice(0, 4).sort((a, b) => a.localeCompare(b));
      const read = joinWords(frame, frame.inputs.slice(Math.max(1, t - 2), t + 1));
      return { choices: choices.map((w) => ({ value: w, label: w })), frame, t, row, model, read };
    },
    ask(lang, d) {
      const name = MODEL_NAMES[lang][d.model];
      return lang === "zh"
        ? `读到 ${quote(lang, d.read)} 之后，${name}会把哪个词排在第一？`
        : `After ${quote(lang, d.read)}, which word will the ${name} put first?`;
    },
    async reveal(_q, d) {
      return { answer: d.row[d.model][0].word, d };
    },
    explain(lang, { d }) {
      // the asked model beside the other side of the lesson: an n-gram beside the RNN, the RNN beside the 3-gram
      const other = d.model === "rnn" ? "trigram" : "rnn";
      const seen = (model) => {
        const span = d.row.context[model];
        return joinWords(d.frame, d.frame.tokens.slice(span.start, span.end)) || "<s>";
      };
      const say = (model) => {
        const top = d.row[model][0];
        const name = MODEL_NAMES[lang][model];
        if (model === "rnn") {
          return lang === "zh"
            ? `RNN 一直读回到 <s>，它把 ${quote(lang, top.word)} 排第一（p = ${pct(top.p)}）`
            : `The RNN, which reads back to <s>, puts ${quote(lang, top.word)} first (p = ${pct(top.p)})`;
        }
        return lang === "zh"
          ? `${name}只看得到 ${quote(lang, seen(model))}，它把 ${quote(lang, top.word)} 排第一（p = ${pct(top.p)}）`
          : `The ${name}, which sees only ${quote(lang, seen(model))}, puts ${quote(lang, top.word)} first (p = ${pct(top.p)})`;
      };
      return lang === "zh" ? `${say(d.model)}。${say(other)}。` : `${say(d.model)}. ${say(other)}.`;
    },
  },

  zero_term: {
    async prepare(q) {
      const frame = await q.passFrame(0);
      const choices = [
        { value: "Ux", label: "U x_t" },
        { value: "Ws", label: "W s_{t−1}" },
        { value: "b", label: "b" },
        { value: "none", label: q.lang() === "zh" ? "都不为零" : "none of them" },
      ];
      return { choices, frame };
    },
    ask(lang) {
      return lang === "zh"
        ? "在第一步 t = 1，式2 中哪一项恰好为零？"
        : "At the first step t = 1, which term of 式2 is exactly zero?";
    },
    async reveal(_q, d) {
      const chain = d.frame.chains["1"];
      const size = {
        Ux: maxAbs([chain.Ux]),
        Ws: maxAbs([chain.Ws]),
        b: chain.b ? maxAbs([chain.b]) : null,
      };
      const zero = ["Ux", "Ws", "b"].find((name) => size[name] === 0) ?? "none";
      return { answer: zero, size, word: d.frame.word, x: d.frame.x };
    },
    explain(lang, r) {
      if (lang === "zh") {
        return `max |W s_0| = ${fmt(r.size.Ws)}，max |U x_1| = ${fmt(r.size.Ux)}：读第一个词之前状态 s_0 = 0，所以到达 s_1 的只有 U x_1（U 的第 ${r.x} 列，即词 ${quote(lang, r.word)}）和 b。`;
      }
      return `max |W s_0| = ${fmt(r.size.Ws)}, max |U x_1| = ${fmt(r.size.Ux)}: before the first step the state is s_0 = 0, so only U x_1 (column ${r.x} of U, the word ${quote(lang, r.word)}) and b reach s_1.`;
    },
  },

  blank_winner: {
    async prepare(q) {
      const zh = q.lang() === "zh";
      const choices = [
        { value: "both", label: zh ? "双向模型" : "the bidirectional model" },
        { value: "left", label: zh ? "只看左边的模型" : "the left-only model" },
      ];
      return { choices, text: q.param("text"), word: q.param("word") };
    },
    ask(lang, d) {
      return lang === "zh"
        ? `哪个模型在空格处给 ${quote(lang, d.word)} 更高的概率：双向模型，还是只看左边的模型？`
        : `Which model gives ${quote(lang, d.word)} the higher probability at the blank: the bidirectional one or the left-only one?`;
    },
    async reveal(q, d) {
      const models = await builtinModels();
      const language = languageOf(d.text);
      const model = models.find((m) => m.kind === "blank" && m.language === language);
      const k = (await q.limits()).max_top_k;
      const frame = await q.page.request({ type: "predict", text: d.text, model: model.name, top_k: k });
      const both = pOf(frame.blank.rnn, d.word);
      const left = pOf(frame.blank.left_only ?? [], d.word);
      const answer = (both ?? 0) >= (left ?? 0) ? "both" : "left";
      return {
        answer,
        both,
        left,
        top: frame.blank.rnn[0],
        leftTop: frame.blank.left_only?.[0],
        k,
        d,
      };
    },
    explain(lang, r) {
      const p = (v) => (v === null ? (lang === "zh" ? `不到前 ${r.k} 名` : `below its top ${r.k}`) : pct(v));
      if (lang === "zh") {
        return `双向模型给 ${quote(lang, r.d.word)} ${p(r.both)}（它排第一的是 ${quote(lang, r.top.word)}），只看左边的模型给 ${p(r.left)}（排第一的是 ${quote(lang, r.leftTop?.word ?? "")}）。空格后面的词只有双向模型看得到。`;
      }
      return `The bidirectional model gives ${quote(lang, r.d.word)} ${p(r.both)} (its top word: ${quote(lang, r.top.word)}), the left-only model ${p(r.left)} (its top word: ${quote(lang, r.leftTop?.word ?? "")}). Only the bidirectional model reads the words after the blank.`;
    },
  },

  deep_share: {
    async prepare(q) {
      const zh = q.lang() === "zh";
      const choices = [
        { value: "out", label: zh ? "来自输出 o_t 的部分" : "the share from the output o_t" },
        { value: "time", label: zh ? "来自下一时刻的部分（式3）" : "the share from the next step (式3)" },
        { value: "up", label: zh ? "来自上一层的部分（式4）" : "the share from the layer above (式4)" },
      ];
      return { choices };
    },
    ask(lang) {
      return lang === "zh"
        ? "在 2 层的 RNN 里，第 1 层（最下层）的 δ_t 中哪一部分为零？"
        : "In a 2-layer RNN, which share of δ_t is zero on layer 1 (the bottom)?";
    },
    async reveal(q) {
      const scratch = q.scratch();
      const language = languageOf(q.sentence());
      await scratch.request({ type: "configure", num_layers: 2, hidden_size: 8, language, seed: 0 });
      const pass = await fullPass(scratch, { text: q.sentence() });
      const frame = pass.backward[Math.min(1, pass.backward.length - 1)]; // k = T − 1: every share can be there
      const chain = frame.chains["1"];
      const size = { out: chain.delta_out_norm, time: chain.delta_time_norm, up: chain.delta_up_norm };
      const answer = Object.keys(size).find((name) => size[name] === 0) ?? "none";
      return { answer, size, k: frame.k };
    },
    explain(lang, r) {
      if (lang === "zh") {
        return `第 1 层 k = ${r.k}：来自输出的部分 ‖·‖ = ${sci(r.size.out)}，来自 t+1 的（式3）${sci(r.size.time)}，来自第 2 层的（式4）${sci(r.size.up)}。V 只连着最上层，所以输出的误差要经过式4 才到达第 1 层。`;
      }
      return `On layer 1 at k = ${r.k}: the share from the output has norm ${sci(r.size.out)}, from t+1 (式3) ${sci(r.size.time)}, from layer 2 (式4) ${sci(r.size.up)}. V reads only the top layer, so the output's error reaches layer 1 through 式4.`;
    },
  },

  delta_trend: {
    async prepare(q) {
      await q.passFrame(0);
      return { choices: GROW(q.lang()) };
    },
    ask(lang) {
      return lang === "zh"
        ? "从最后一个词（k = T）往回到第一个词（k = 1），这个模型的 ‖δ_k‖ 会变大还是变小？"
        : "Going back from the last word (k = T) to the first (k = 1), will ‖δ_k‖ of this model grow or shrink?";
    },
    async reveal(q) {
      const { start, totals } = await q.totals();
      const norms = totals.delta_norm["1"];
      const first = norms[0];
      const last = norms[norms.length - 1];
      const answer = first !== null && last !== null && first < last ? "shrink" : "grow";
      return {
        answer,
        first,
        last,
        T: start.T,
        word: start.inputs[start.T - 1],
        bw: start.beta_W["1"],
        bf: start.beta_f["1"],
      };
    },
    explain(lang, r) {
      if (lang === "zh") {
        return `‖δ_T‖ = ${sci(r.last)}（读 ${quote(lang, r.word)} 时），‖δ_1‖ = ${sci(r.first)}（读 <s> 时）。每往回一步乘一次 Wᵀ 和 diag[f′]（β_W = ‖W‖ = ${sci(r.bw)}，β_f = ${sci(r.bf)}），再加上那一步自己的输出误差。`;
      }
      return `‖δ_T‖ = ${sci(r.last)} at ${quote(lang, r.word)}, ‖δ_1‖ = ${sci(r.first)} at <s>. Each step back multiplies by Wᵀ and diag[f′] (β_W = ‖W‖ = ${sci(r.bw)}, β_f = ${sci(r.bf)}) and adds that step's own output error.`;
    },
  },

  card_dominates: {
    async prepare(q) {
      const start = await q.passStart();
      const T = start.T;
      const ks = [...new Set([T, Math.ceil((T + 1) / 2), 2])].filter((k) => k >= 2 && k <= T);
      const choices = ks.map((k) => ({ value: String(k), label: `∇W_{${k}} (x_{${k}} = “${start.inputs[k - 1]}”)` }));
      return { choices, ks };
    },
    ask(lang) {
      return lang === "zh"
        ? "这几张每个时刻的梯度卡片中，哪一张的范数 ‖∇W_k‖ 最大？"
        : "Which of these per-time cards will have the largest norm ‖∇W_k‖?";
    },
    async reveal(q, d) {
      const { backward } = await q.totals();
      const normAt = new Map(backward.map((f) => [f.k, f.chains["1"].dW_norm]));
      const largest = (ks) => ks.reduce((best, k) => ((normAt.get(k) ?? -1) > (normAt.get(best) ?? -1) ? k : best));
      const answer = String(largest(d.ks));
      return { answer, norms: d.ks.map((k) => [k, normAt.get(k)]), overall: largest([...normAt.keys()]) };
    },
    explain(lang, r) {
      const list = r.norms.map(([k, v]) => `‖∇W_{${k}}‖ = ${sci(v)}`).join(", ");
      if (lang === "zh") {
        return `${list}。所有卡片中最大的是 ∇W_{${r.overall}}；∇W = Σ_k ∇W_k（式6）由 δ_k 和 s_{k−1} 都大的那些时刻主导。`;
      }
      return `${list}. The largest card of all is ∇W_{${r.overall}}; ∇W = Σ_k ∇W_k (式6) is dominated by the steps where both δ_k and s_{k−1} are large.`;
    },
  },

  vanishing_trend: {
    async prepare(q) {
      return { choices: GROW(q.lang()), radius: q.lab("radius"), steps: q.lab("steps"), act: q.lab("activation") };
    },
    ask(lang, d) {
      return lang === "zh"
        ? `W 的谱半径为 ${d.radius}、激活函数 ${d.act}，往回传 ${d.steps} 步，‖δ_k‖ 会变大还是变小？`
        : `With W of spectral radius ${d.radius} and ${d.act}, going back ${d.steps} steps, will ‖δ_k‖ grow or shrink?`;
    },
    async reveal(q) {
      const frame = await q.page.request(vanishingMessage(q.labValues()));
      const ratio = frame.ratio[0];
      return { answer: ratio !== null && ratio < 1 ? "shrink" : "grow", ratio, frame };
    },
    explain(lang, r) {
      const f = r.frame;
      if (lang === "zh") {
        return `往回 ${f.T - 1} 步后 ‖δ_1‖/‖δ_T‖ = ${sci(r.ratio)}；上界 (β_W β_f)^{T−1}（β_W = ${sci(f.beta_W)}，β_f = ${sci(f.beta_f)}）是 ${sci(f.bound[0])}。`;
      }
      return `‖δ_1‖/‖δ_T‖ = ${sci(r.ratio)} after ${f.T - 1} steps back; the bound (β_W β_f)^{T−1} with β_W = ${sci(f.beta_W)}, β_f = ${sci(f.beta_f)} is ${sci(f.bound[0])}.`;
    },
  },

  clip_fixes: {
    async prepare(q) {
      return { choices: YES_NO(q.lang()), at: q.lab("clip_at") };
    },
    ask(lang, d) {
      return lang === "zh"
        ? `在 ${d.at} 处裁剪梯度，会让早期时刻重新得到误差（‖δ_1‖/‖δ_T‖ 更接近 1）吗？`
        : `Clipping at ${d.at}: will it give the early steps their error back (‖δ_1‖/‖δ_T‖ closer to 1)?`;
    },
    async reveal(q, d) {
      const frame = await q.page.request(vanishingMessage(q.labValues()));
      const grown = frame.clipped_grad_norm !== null && frame.clipped_grad_norm > frame.grad_norm;
      return { answer: grown ? "yes" : "no", frame, at: d.at };
    },
    explain(lang, r) {
      const f = r.frame;
      if (lang === "zh") {
        return `裁剪前 ‖∇‖ = ${sci(f.grad_norm)}，裁剪后 ${sci(f.clipped_grad_norm)}：裁剪只会把长于 ${r.at} 的梯度缩短，不会放大。‖δ_1‖/‖δ_T‖ 仍是 ${sci(f.ratio[0])}；教程给梯度消失的办法是初始化、ReLU 和门控单元。`;
      }
      return `‖∇‖ = ${sci(f.grad_norm)} before clipping and ${sci(f.clipped_grad_norm)} after: clipping only shortens a gradient longer than ${r.at}, it never lengthens one. ‖δ_1‖/‖δ_T‖ is still ${sci(f.ratio[0])}; the tutorial's remedies for vanishing are initialisation, ReLU and gated cells.`;
    },
  },

  softmax_loss: {
    async prepare(q) {
      return { choices: rangeChoices(q.lang()), z: q.lab("z") };
    },
    ask(lang, d) {
      return lang === "zh"
        ? `z = [${d.z}]，正确的词是第一个：损失 −ln o_1 大约是多少？`
        : `For z = [${d.z}] and the true word the first one, roughly what is the loss −ln o_1?`;
    },
    async reveal(q, d) {
      const frame = await q.page.request({ type: "softmax", z: parseZ(d.z), label: 0 });
      return { answer: rangeOf(frame.loss), frame };
    },
    explain(lang, r) {
      const o = r.frame.o.map(fmt).join(", ");
      if (lang === "zh") {
        return `o = softmax(z) = [${o}]，o_1 = ${fmt(r.frame.o[0])}，所以 −ln o_1 = ${fmt(r.frame.loss)}。正确的词得到的概率越小，损失越大。`;
      }
      return `o = softmax(z) = [${o}]: o_1 = ${fmt(r.frame.o[0])}, so −ln o_1 = ${fmt(r.frame.loss)}. The smaller the probability of the true word, the larger the loss.`;
    },
  },

  loss_guess: {
    async prepare(q) {
      const frame = await q.predict();
      const t = positionOf(frame, q.param("at"));
      return { choices: rangeChoices(q.lang()), row: frame.positions[t], t };
    },
    ask(lang, d) {
      const p = pct(d.row.next_p.rnn);
      return lang === "zh"
        ? `位置 t = ${d.t}：RNN 给真正的下一个词 ${quote(lang, d.row.next.word)} 的概率是 ${p}。这里的损失 −ln o_t[y_t] 大约是多少？`
        : `At t = ${d.t} the RNN gave the actual next word ${quote(lang, d.row.next.word)} p = ${p}. Roughly what is its loss −ln o_t[y_t] there?`;
    },
    async reveal(_q, d) {
      return { answer: rangeOf(d.row.loss), row: d.row };
    },
    explain(lang, r) {
      const p = fmt(r.row.next_p.rnn);
      if (lang === "zh") {
        return `o_t[y_t] = ${p}，所以损失是 −ln ${p} = ${fmt(r.row.loss)}。训练要降低的是所有句子所有位置上这个值的平均。`;
      }
      return `o_t[y_t] = ${p}, so the loss is −ln ${p} = ${fmt(r.row.loss)}. Training lowers the mean of this over every word of every sentence.`;
    },
  },

  remedy_reach: {
    async prepare(q) {
      const text = q.lab("sentence");
      const frame = await q.page.request({ type: "remedies", text });
      const names = { tanh: "tanh RNN", relu: "ReLU RNN (W = I)", lstm: "LSTM", gru: "GRU" };
      return { choices: frame.models.map((m) => ({ value: m.role, label: names[m.role] })), frame };
    },
    ask(lang, d) {
      const first = d.frame.tokens[0];
      return lang === "zh"
        ? `在“${d.frame.label}”处的误差，哪个模型传回第一个词“${first}”的比例最大？`
        : `Which model carries the largest share of the error at “${d.frame.label}” back to the first word “${first}”?`;
    },
    async reveal(_q, d) {
      const best = d.frame.models.reduce((a, b) => ((b.reach ?? -1) > (a.reach ?? -1) ? b : a));
      return { answer: best.role, models: d.frame.models };
    },
    explain(lang, r) {
      const share = (m) => (m.reach === null ? "NaN" : sci(m.reach));
      const accuracy = (m) => (m.accuracy === null ? "—" : `${Math.round(100 * m.accuracy)}%`);
      const reach = r.models.map((m) => `${m.role} ${share(m)}`).join(", ");
      const hits = r.models.map((m) => `${m.role} ${accuracy(m)}`).join(", ");
      if (lang === "zh") {
        return `传回第一个词的比例（相对于 t 处）：${reach}。在没见过的长距离句子上，把依赖词排在第一的比例：${hits}。误差传得到是学会远距离依赖的前提，但还不够：模型还得学会用上它。`;
      }
      return `The share of the error reaching the first word (against the word at t): ${reach}. On long-range sentences they never saw, the dependent word ranked first: ${hits}. Reaching the cue is needed to learn it, not enough: the model must also have learned to use it.`;
    },
  },

  gradcheck_buggy: {
    async prepare(q) {
      return { choices: YES_NO(q.lang()), act: q.param("activation") };
    },
    ask(lang, d) {
      return lang === "zh"
        ? `用 ${d.act} 激活函数，教程的梯度检查会让它那个有错误的 BPTT 通过吗？`
        : `With the ${d.act} activation, will the tutorial's gradient check pass its buggy BPTT?`;
    },
    async reveal(q, d) {
      const frame = await q.page.request({
        type: "gradcheck",
        activation: "tanh",
        hidden: 4,
        T: 4,
        seed: 0,
        tutorial: true,
      });
      const tutorial = frame.tutorial;
      return { answer: tutorial[`${d.act}_buggy`].passed ? "yes" : "no", tutorial };
    },
    explain(lang, r) {
      const id = r.tutorial.identity_buggy;
      const tanh = r.tutorial.tanh_buggy;
      const word = (passed) => (lang === "zh" ? (passed ? "通过" : "不通过") : passed ? "passed" : "failed");
      if (lang === "zh") {
        return `有错误的 BPTT：恒等激活的检查最大相对误差 ${sci(id.max_rel_error)}（${word(id.passed)}），tanh 的检查 ${sci(tanh.max_rel_error)}（${word(tanh.passed)}）。f(x) = x 时每个 f′ 都是 1，乘错了时刻的 f′ 也没有区别，所以恒等激活的检查看不出这个错误。`;
      }
      return `On the buggy BPTT the identity check's worst relative error is ${sci(id.max_rel_error)} (${word(id.passed)}), the tanh check's ${sci(tanh.max_rel_error)} (${word(tanh.passed)}). With f(x) = x every f′ is 1, so taking f′ of the wrong step changes nothing: the identity check cannot see the bug.`;
    },
  },
};
