// Every string of the labs in English and Chinese. Labs call lt(key, lang, ...args); the partial's
// static text carries data-lab-i18n (text) and data-lab-label (accessible name) keys, applied by
// applyLabStrings. (The page's i18n.js owns data-i18n; the labs keep their own attribute.)

import { translator } from "../i18n.js";

// How a model came to be (ModelInfo.origin) and why training ended (train_done.reason).
const ORIGIN = {
  en: { builtin: "built-in", configured: "new, untrained", uploaded: "loaded from a file", trained: "trained" },
  zh: { builtin: "内置", configured: "新建，未训练", uploaded: "从文件载入", trained: "训练过" },
};
// What a model's tokens are (ModelInfo.unit, the corpus summary's unit), counted
const UNIT_NOUN = {
  en: { word: "words", char: "characters" },
  zh: { word: "词", char: "字符" },
};
const REASON = {
  en: { finished: "finished", stopped: "stopped", time_limit: "time limit", nan: "NaN" },
  zh: { finished: "已完成", stopped: "已停止", time_limit: "到达时间上限", nan: "出现 NaN" },
};

const STRINGS = {
  en: {
    labs: "Labs",
    tab_training: "Training",
    tab_vanishing: "Exploding & vanishing",
    tab_softmax: "Softmax",
    tab_data: "LM data",
    tab_bidirectional: "Bidirectional",
    tab_deep: "Deep",
    tab_gradcheck: "Gradient check",
    tab_truncated: "Truncated BPTT",
    tab_loss: "Per-token loss",
    tab_files: "Model files",
    tab_generate: "Generate",

    intro_generate:
      "The model writes: after <s> and the prompt it draws one word from o_t, reads it, draws " +
      "the next, until </s>. Temperature reshapes o_t (below 1 the likely words gain, above 1 " +
      "the unlikely ones), top-k keeps only the k most likely words, and <unk> is never drawn " +
      "unless you allow it. Under each word: the probability it was drawn with, and o_t of the " +
      "model itself. Train the model in the Training lab, then come back: the text improves.",
    intro_training:
      "Train the page's model on a corpus and watch the two curves: loss and perplexity should " +
      "fall; a curve that jumps up or stops at NaN means the learning rate is too high or " +
      "clipping is off. Beside them, the probability the model gives each actual next word of " +
      "your sentence: taller bars mean it has learned that sentence better.",
    intro_vanishing:
      "A fixed error δ_T of norm 1 enters at the last step and 式3 carries it back, " +
      "δ_k = δ_{k+1} W diag[f′(net_k)]. Each point is how much of it still reaches step k (T − k steps back), on a log " +
      "scale: a line falling steeply from right to left means the gradient vanishes (early words stop " +
      "learning), a line rising steeply to the left means it explodes. The dashed line is the bound (β_W β_f)^{T−k} of " +
      "式3; the real curve stays under it.",
    intro_softmax:
      "Edit the scores z and pick the true label. Each bar is softmax's probability o_i; they " +
      "always add up to 1, and a larger z_i always gets a larger share. The loss is −log of the " +
      "true label's bar: a short bar on the true label means a large loss.",
    intro_data:
      "A language model learns from pairs: at every step the input is one word and the label is " +
      "the word that follows. The sentence starts with s and the labels end with e. Click a word " +
      "to see its one-hot vector: all zeros except a 1 at the word's index in the vocabulary.",
    intro_bidirectional:
      "Write ____ where a word is missing. The forward chain s_t reads left to right, the " +
      "backward chain s'_t right to left; the blank is predicted from both. Compare its bars " +
      "with the guess of a model that sees only the words before the blank.",
    intro_deep:
      "Stacked layers: the top layer produces o_t, each layer reads the one below. Every circle " +
      "is ‖δ_t‖ of one layer at one step; horizontal arrows carry δ back through time (式3), " +
      "vertical arrows carry it down to the layer below (式4). Thicker arrow, more error flows " +
      "that way.",
    intro_gradcheck:
      "Each dot is one weight's gradient: analytic (from BPTT) across, numeric (from nudging " +
      "the weight by ±ε) up. A correct BPTT puts every dot on the diagonal, with a relative " +
      "error near 1e−10. A dot off the diagonal is a bug.",
    intro_truncated:
      "Truncated BPTT carries each output's error back at most k steps. The network below shows " +
      "it for one output o_j: its error flows back through the orange δ arrows, and the grey " +
      "dashed ones are the terms truncation drops. In the grid, row o_j is " +
      "the error of output j and each cell a step t it reaches: grey cells are the δ terms " +
      "truncation drops. The bars compare ‖δ_t‖ with and without truncation, and the top line " +
      "says how far the truncated gradient is from the full one: larger k, smaller distance.",
    intro_loss:
      "Under each word: how surprised the model was by it, −log o_t(label): a tall bar is a " +
      "word the model did not expect. P is the probability of the whole sentence so far, the " +
      "product of the o_t(label). The small bars are o_t − y_t, the output error that " +
      "starts BPTT: negative on the true word, positive on the words wrongly favoured.",
    intro_files:
      "Save the model this page is using (after training, say), load a model file saved " +
      "earlier, or upload your own corpus: plain UTF-8 text, one sentence per line. Training on " +
      "it starts from a fresh model with a vocabulary built from your text.",

    // shared
    not_connected: "Waiting for the server…",
    working: "Computing…",
    server_error: (message) => `The server refused: ${message}`,
    train_writes: "The model writes:",
    gen_prompt: "Prompt",
    gen_follow: "use the page's sentence",
    gen_temperature: "Temperature",
    gen_top_k: "Top-k (empty: all)",
    gen_length: "At most words",
    gen_seed: "Seed (empty: new)",
    gen_allow_unk: "allow <unk>",
    gen_go: "Generate",
    gen_p_title: "probability it was drawn with (after temperature and top-k)",
    gen_p_model_title: "o_t of the model for this word",
    gen_note: (model, seed, ended) =>
      `Drawn by ${model}, seed ${seed}; ${ended ? "it ended with </s>." : "it reached the length limit."}`,
    nan: "NaN",
    activation: "Activation f",
    hidden: "Hidden size",
    layers: "Layers",
    seed: "Seed",
    steps_T: "Steps T",
    sentence_from_page: "Uses the sentence typed at the top of the page.",
    no_sentence: "Type a sentence at the top of the page first.",

    // softmax
    z_label: "Scores z",
    true_label: "True label",
    col_i: "i",
    col_z: "z_i",
    col_y: "y_i",
    col_o: "o_i = softmax(z)_i",
    loss_line: (i, o, loss) => `L = −log o_${i} = −log ${o} = ${loss}`,
    softmax_note:
      "The tutorial writes 3.51: it rounds o_1 to 0.03 before taking the log " +
      "(−log 0.03 = 3.51). The server uses the exact o_1 = 0.0321, so the loss is 3.44.",
    z_invalid: "Write 1 to 1000 numbers, each between −1000000 and 1000000.",

    // gradcheck
    check: "Check gradients",
    bidirectional: "Bidirectional",
    tutorial_toggle: "Also run the tutorial's own check (identity activation, error = sum of the last state)",
    worst: (e) => `Worst relative error: ${e}`,
    passed: "passed (below 1e−6)",
    failed: "failed (above 1e−6)",
    axis_analytic: "analytic gradient (BPTT)",
    axis_numeric: "numeric gradient (±ε)",
    diagonal: "numeric = analytic",
    col_weight: "weight",
    col_error: "max relative error",
    tutorial_title: "The tutorial's check and its blind spot",
    tut_identity_correct: "identity check, correct BPTT",
    tut_identity_buggy: "identity check, the tutorial's BPTT (index error)",
    tut_tanh_correct: "tanh check, correct BPTT",
    tut_tanh_buggy: "tanh check, the tutorial's BPTT (index error)",
    verdict_pass: "passes",
    verdict_fail: "fails",
    blind_spot:
      "The identity check passes on the buggy code: with f(x) = x, f' = 1 everywhere, so using " +
      "the state at k+1 instead of k changes nothing it can see. A non-linear f (tanh) and " +
      "several steps catch the index error.",

    // vanishing
    radius: "Spectral radius of W",
    clip_on: "Clip the gradient at",
    init: "Initialisation",
    axis_k: "k (δ_T enters at k = T, on the right)",
    overflow_mark: "overflow",
    axis_ratio: "‖δ_k‖ / ‖δ_T‖ (log scale)",
    ratio_trace: "‖δ_k‖ / ‖δ_T‖",
    bound_trace: "bound (β_W β_f)^{T−k}",
    betas: (bw, bf, prod) => `β_W = ${bw}, β_f = ${bf}, β_W β_f = ${prod}`,
    radius_vs_norm: (rho, bw) =>
      `The slider sets ρ(W) = ${rho}, W's spectral radius (its largest |eigenvalue|); β_W = ‖W‖₂ = ${bw} ` +
      "is its largest singular value, never below ρ(W). The bound multiplies β_W at every step, so it can " +
      "rise even when ρ(W) < 1; over many steps ‖δ_k‖ follows ρ(W).",
    reach: (r) => `‖δ_1‖ / ‖δ_T‖ = ${r}`,
    nan_at: (k) =>
      `From k = ${k} back, δ overflowed: its numbers passed float64's largest (1.8·10³⁰⁸) and became inf, then NaN.`,
    no_nan: "No overflow: every δ_k is a finite number.",
    given_delta:
      "δ_T: a fixed unit vector (‖δ_T‖ = 1, drawn with seed 0), carried back along the forward pass's net_k.",
    grad_norm: (g) => `gradient norm ‖∇‖ = ${g}`,
    clipped_to: (g, c) => `clipping rescales it from ${g} to ${c}`,
    grad_nonfinite: "the gradient is not finite: clipping cannot rescale NaN, clip before it overflows",
    remedies: "The tutorial's three remedies:",
    remedy_init: "Careful initialisation",
    remedy_relu: "ReLU",
    remedy_gated: "Gated cell path",
    remedy_init_said:
      "W now starts as the identity matrix (spectral radius 1): multiplying by W no longer " +
      "shrinks or grows δ (β_W = 1); only f' < 1 still shrinks it.",
    remedy_relu_said:
      "f is now ReLU and W starts as the identity: f' is exactly 1 on active units instead of " +
      "tanh's f' < 1, so δ keeps its size through them.",
    remedy_gated_said:
      "The engine has no LSTM; this is the path a gated cell adds: a linear unit whose " +
      "recurrent weight is the identity (c_t = c_{t−1} + …, forget gate open), so ‖δ_k‖ = ‖δ_T‖ " +
      "all the way back: the constant error carousel.",
    changed: (before, after) => `‖δ_1‖ / ‖δ_T‖ went from ${before} to ${after}.`,

    // training
    settings: "Model",
    hidden_size: "Hidden size",
    opt_bidirectional: "Bidirectional",
    lr: "Learning rate",
    optimizer: "Optimizer",
    clip: "Clip at (empty = off)",
    truncate: "Truncate BPTT at k (empty = full)",
    corpus: "Corpus",
    unit: "Token",
    unit_word: "word",
    unit_char: "character",
    cell: "Cell",
    cell_rnn: "RNN (式2)",
    cell_lstm: "LSTM",
    cell_gru: "GRU",
    corpus_builtin: "built-in corpus",
    corpus_uploaded: "uploaded corpus",
    epochs: "Epochs",
    pace: "Speed",
    pace_watch: "watchable (at least 20 s)",
    pace_slow: "slow (at least 60 s)",
    pace_fast: "as fast as possible",
    worse_than_bigram: (d) =>
      `The held-out perplexity ${fmt2(d.valid_perplexity)} is still worse than the 2-gram's ` +
      `${fmt2(d.bigram_valid_perplexity)}: ` +
      (d.model?.optimizer === "adam"
        ? "train for more epochs, or make a new model with a larger hidden size."
        : "train for more epochs, or make a new model with Adam and η 0.01 (plain SGD learns this slowly)."),
    new_model: "New model with these settings",
    start: "Start",
    pause_training: "Pause",
    resume: "Resume",
    stop: "Stop",
    sgd_step: "One SGD step on this sentence",
    state_running: "Training…",
    state_paused: "Paused.",
    configured: (m) =>
      `New untrained ${m.cell === "rnn" ? "" : `${m.cell.toUpperCase()} `}model${m.unit === "char" ? " of characters" : ""}: hidden ${m.hidden_size}, ${m.num_layers} layer(s)` +
      `${m.bidirectional ? ", bidirectional" : ""}${m.cell === "rnn" ? `, f = ${m.activation}` : ""}, init ${m.init}.`,
    axis_step: "training step",
    loss_trace: "loss (cross-entropy per word)",
    ppl_trace: "perplexity",
    stats: (p) =>
      `step ${p.step} · epoch ${p.epoch}/${p.epochs} · ${Math.round(p.tokens_per_s)} tokens/s · ` +
      `${p.elapsed.toFixed(1)} s · clipped ${p.clip_count}×` +
      (p.eta_s ? ` · about ${Math.ceil(p.eta_s)} s left` : ""),
    grad_norms: "Gradient norm per weight",
    init_tutorial: "tutorial",
    curves_empty: "Press Start: the loss and perplexity curves grow here while the model trains.",
    norms_empty: "‖∇‖ of every weight (U, W, V, …) appears with the first progress report.",
    sample_empty: "One bar per word of your sentence: how likely the model finds it, updated as it learns.",
    sample_title: "p(actual next word) for your sentence, now",
    done: (d) =>
      `Done (${REASON.en[d.reason] ?? d.reason}) after ${d.steps} steps, ${d.elapsed.toFixed(1)} s. Perplexity: ` +
      `train ${fmt2(d.train_perplexity)}, valid ${fmt2(d.valid_perplexity)} ` +
      `(2-gram ${fmt2(d.bigram_valid_perplexity)}, 3-gram ${fmt2(d.trigram_valid_perplexity)}).`,
    done_nan: (d) => `Stopped at NaN (step ${d.nan_at}). ${d.message ?? ""}`,
    step_title: (loss0, loss1, lr) =>
      `One SGD step, W ← W − η∇W with η = ${lr}, for every weight: loss on this sentence ` + `${loss0} → ${loss1}.`,
    before: "before",
    after: "after",
    change: "after − before",
    col_norm_before: "‖before‖",
    col_norm_after: "‖after‖",
    col_change: "‖change‖",
    col_grad: "‖∇‖",
    no_step_matrix: "too large to draw; norms only",

    // data
    col_t: "t",
    row_input: "input x_t",
    row_label: "label",
    onehot_title: (word, index, size) =>
      `one-hot vector of “${word}”: ${size} entries, a 1 at index ${index}, 0 everywhere else`,
    onehot_pick: "Click a word in the table.",
    zeros: (n) => `${n} zeros`,
    s_and_e: "s = start of the sentence (<s>), e = end of the sentence (</s>).",

    // bidirectional
    blank_sentence: "Sentence with a blank",
    blank_default: "my ____ is broken , so i plan to buy a new phone .",
    blank_default_zh: "我 的 ____ 坏 了 ， 我 打算 买 一部 新 手机 。",
    fill: "Fill the blank",
    forward_chain: "forward chain s_t (reads →)",
    backward_chain: "backward chain s'_t (reads ←)",
    both_sides: "bidirectional model (both sides)",
    left_only: (name) => `left-only model ${name} (words before the blank)`,
    no_blank_model: "No built-in bidirectional model is loaded on the server.",

    // deep
    deep_layers: "Stacked layers",
    show_flow: "Run BPTT",
    deep_note: (L, T) => `${L} layer(s), ${T} steps, an untrained model (hidden size 8).`,
    legend_time: "← back through time (式3)",
    legend_down: "↓ down a layer (式4)",
    layer_n: (l) => `layer ${l}`,

    // truncated
    k_label: "Truncate at k",
    compare: "Compare",
    bars_full: "full BPTT ‖δ_t‖",
    bars_trunc: (k) => `truncated at k = ${k}`,
    gap_line: (k, gap, full) => `‖∇W_truncated − ∇W_full‖ = ${gap} (‖∇W_full‖ = ${full}) with k = ${k}`,
    no_truncation: (k, T) => `k = ${k} ≥ T = ${T}: nothing is dropped, the gradients are equal.`,
    dropped: "dropped by truncation",
    source_label: "Error entering at o_j, j =",
    net_name: "Truncated BPTT network",
    reach_line: (j, first, k) =>
      `The error of o_${j} flows back through the orange δ arrows to δ_${first} (k = ${k}: step ${j} and ${k - 1} earlier); ` +
      `the grey dashed arrows before δ_${first} are the δ terms truncation drops. Pick another j, or click a row o_j of the grid.`,
    reach_all: (j, k) =>
      `The error of o_${j} reaches every step back to δ_1 (k = ${k} ≥ ${j}): truncation drops nothing of it. ` +
      `Pick a later j, or click a row o_j of the grid.`,

    // loss strip
    strip_title: "−log o_t(label)",
    running_p: "running sentence probability",
    error_title: "o_t − y_t on the label and the top guesses",
    strip_blank: "Per-token loss needs a left-to-right model; the page uses a blank-filling model.",
    total: (loss, ppl) => `mean loss ${loss}, perplexity ${ppl}`,

    // files
    download: "Download the current model (.npz)",
    load_model: "Load a model file (.npz)",
    upload_corpus: "Upload a corpus (.txt, UTF-8)",
    train_uploaded: "To train on it, choose “uploaded corpus” in the Training tab and press Start.",
    loaded: (m) => `Loaded “${m.name}”: ${m.vocab_size} ${UNIT_NOUN.en[m.unit] ?? "words"}, hidden ${m.hidden_size}.`,
    uploaded: (r) =>
      `Uploaded ${r.bytes} bytes: ${r.sentences} sentences, ${r.tokens} ${UNIT_NOUN.en[r.unit] ?? "words"}, language ` +
      `${r.language}, vocabulary ${r.vocab_size}.`,
    too_big: (max) => `The file is larger than the server accepts (${max} bytes).`,
    not_utf8: "The file is not UTF-8 text.",
    empty_file: "The file is empty.",
    current_model: (m) =>
      `Current model: “${m.name}” (${ORIGIN.en[m.origin] ?? m.origin}), ${m.vocab_size} ${UNIT_NOUN.en[m.unit] ?? "words"}.`,
    pick_model: "Choose a .npz file…",
    pick_corpus: "Choose a .txt file…",
    not_npz: "This is not a model file: a .npz saved by Unrolled (or numpy.savez) is a zip archive.",
    grid_axis: (T) => `δ_t, t = 1…${T} (one column per input word)`,
    both_chains: "Both chains",
    train_progress: "Training progress",
    dropped_terms: "Dropped terms",
    tab_remedies: "Remedies",
    intro_remedies:
      "The tutorial names three remedies for vanishing gradients: careful initialisation, ReLU, " +
      "and gated cells. Here the textbook tanh RNN, the ReLU RNN with W = I, an LSTM and a GRU, " +
      "trained on the same corpus, read the same sentence. Each square is ‖∂E_t/∂x_k‖: how much " +
      "of the error at the last word reaches the word at k, as a share of what the last word " +
      "itself gets (darker: more). Below each model, its accuracy on hand-written long-range " +
      "sentences by how far back the cue stands. Click a word to follow the error from it.",
    remedy_sentence: "Sentence to compare on",
    remedy_default: "i was late for school yesterday , and the teacher criticised me",
    remedy_default_zh: "我昨天上学迟到了，老师批评了我",
    role_tanh: "tanh RNN, Xavier W",
    role_relu: "ReLU RNN, W = I (the page's model)",
    role_lstm: "LSTM",
    role_gru: "GRU",
    remedy_error_at: (word, t) => `error followed back from “${word}” (t = ${t})`,
    verdict_reaches: (share) => `reaches the first word: ${share} of the error at t`,
    verdict_fades: (share) => `fades: ${share} of the error at t reaches the first word`,
    verdict_vanishes: (share) => `vanishes: ${share} of the error at t reaches the first word`,
    remedy_p: (word, p, top, tp) => `p(“${word}”) = ${p}; its top word “${top}” (${tp})`,
    remedy_bins: (overall) => `long-range sentences it never saw: ${overall} ranked first; by the cue's distance:`,
    remedy_bin: (lo, hi, acc, n) => `${lo}–${hi} back: ${acc} (${n})`,
    remedy_missing: (n) => `${n} of the four models are not shipped here (make models builds them).`,
    remedy_use: "Use this model on the page",
    remedy_used: (name) => `The page now reads with ${name}: step through its BPTT above.`,
    pick_word: (word) => `follow the error from “${word}”`,
  },
  zh: {
    labs: "实验",
    tab_training: "训练",
    tab_vanishing: "梯度爆炸与消失",
    tab_softmax: "Softmax 与交叉熵",
    tab_data: "语言模型的数据",
    tab_bidirectional: "双向",
    tab_deep: "深层",
    tab_gradcheck: "梯度检查",
    tab_truncated: "截断 BPTT",
    tab_loss: "逐词损失",
    tab_files: "模型文件",
    tab_generate: "生成文本",

    intro_generate:
      "让模型自己写：在 <s> 和开头之后，它从 o_t 中抽一个词，读进去，再抽下一个，直到 </s>。" +
      "温度改变 o_t 的形状（小于 1 时高概率的词更占优，大于 1 时低概率的词机会变大），top-k 只留下" +
      "最可能的 k 个词；除非你允许，<unk> 永远不会被抽到。每个词下面是它被抽中时的概率，以及模型" +
      "本身的 o_t。去“训练”实验里训练一下模型再回来，生成的句子会变好。",
    intro_training:
      "在语料上训练本页的模型，看两条曲线：损失和困惑度应当下降；曲线突然上跳或变成 NaN，" +
      "说明学习速率太大或没有开梯度裁剪。右侧是模型给你的句子中每个实际下一个词的概率：" +
      "柱子越高，说明这句话学得越好。",
    intro_vanishing:
      "一个固定的、范数为 1 的误差 δ_T 在最后一步进入，由式3 往回传：δ_k = δ_{k+1} W diag[f′(net_k)]。" +
      "每个点表示它还剩多少能传到第 k 步（往回 T − k 步，对数坐标）：曲线从右往左陡降说明梯度消失" +
      "（前面的词学不到东西），从右往左陡升说明梯度爆炸。虚线是式3 给出的上界 (β_W β_f)^{T−k}，" +
      "真实曲线总在它下方。",
    intro_softmax:
      "修改得分 z 并选定真实标签。每根柱子是 softmax 的概率 o_i；它们的和总是 1，z_i 越大，" +
      "分到的概率越大。损失是真实标签那根柱子的 −log：真实标签的柱子越短，损失越大。",
    intro_data:
      "语言模型从成对的数据中学习：每一步输入一个词，标签是紧跟其后的词。句子以 s 开头，" +
      "标签以 e 结尾。点一个词可以看它的 one-hot 向量：除了该词在词典中的下标处为 1，其余全是 0。",
    intro_bidirectional:
      "在缺词处写 ____。正向链 s_t 从左往右读，反向链 s'_t 从右往左读；空格的预测同时用到两边。" +
      "把它的柱子和只看空格前面的词的模型的猜测比一比。",
    intro_deep:
      "多层堆叠：最上层产生 o_t，每一层读它下面一层的输出。每个圆圈是某一层在某一时刻的 ‖δ_t‖；" +
      "横向箭头表示 δ 沿时间反向传递（式3），纵向箭头表示 δ 传到下一层（式4）。" +
      "箭头越粗，沿那个方向传递的误差越多。",
    intro_gradcheck:
      "每个点是一个权重的梯度：横坐标是 BPTT 算出的解析梯度，纵坐标是把权重加减 ε 得到的数值梯度。" +
      "BPTT 正确时所有点都落在对角线上，相对误差约 1e−10。偏离对角线的点就是 bug。",
    intro_truncated:
      "截断的 BPTT 把每个输出的误差最多向前传 k 步。下面的网络对一个输出 o_j 画出这一点：它的误差沿橙色 δ 箭头" +
      "往回传，灰色虚线箭头就是截断丢掉的项。网格中第 o_j 行是输出 j 的误差，每个格子是它" +
      "传到的时刻 t：灰色格子就是截断丢掉的 δ 项。柱状图比较截断与不截断时的 ‖δ_t‖，最上面一行" +
      "给出截断后的梯度离完整梯度有多远：k 越大，距离越小。",
    intro_loss:
      "每个词下方：模型对它有多意外，即 −log o_t(标签)：柱子高，说明模型没料到这个词。" +
      "P 是到目前为止整句话的概率，即各个 o_t(标签) 的乘积。小柱子是 o_t − y_t，" +
      "也就是启动 BPTT 的输出误差：在真实的词上为负，在被错误看好的词上为正。",
    intro_files:
      "保存本页正在用的模型（比如训练之后），载入以前保存的模型文件，或上传你自己的语料：" +
      "UTF-8 纯文本，每行一句。在上面训练会从一个新模型开始，词典由你的文本建立。",

    not_connected: "正在等待服务器…",
    working: "计算中…",
    server_error: (message) => `服务器拒绝了请求：${message}`,
    train_writes: "模型现在写出：",
    gen_prompt: "开头",
    gen_follow: "用页面上的句子",
    gen_temperature: "温度",
    gen_top_k: "top-k（空：全部）",
    gen_length: "最多词数",
    gen_seed: "随机种子（空：新的）",
    gen_allow_unk: "允许 <unk>",
    gen_go: "生成",
    gen_p_title: "它被抽中时的概率（经过温度和 top-k 之后）",
    gen_p_model_title: "模型给这个词的 o_t",
    gen_note: (model, seed, ended) =>
      `由 ${model} 生成，随机种子 ${seed}；${ended ? "以 </s> 结束。" : "到达了长度上限。"}`,
    nan: "NaN",
    activation: "激活函数 f",
    hidden: "隐藏层大小",
    layers: "层数",
    seed: "随机种子",
    steps_T: "步数 T",
    sentence_from_page: "使用页面顶部输入的句子。",
    no_sentence: "请先在页面顶部输入一句话。",

    z_label: "得分 z",
    true_label: "真实标签",
    col_i: "i",
    col_z: "z_i",
    col_y: "y_i",
    col_o: "o_i = softmax(z)_i",
    loss_line: (i, o, loss) => `L = −log o_${i} = −log ${o} = ${loss}`,
    softmax_note:
      "教程写的是 3.51：它先把 o_1 四舍五入成 0.03 再取对数（−log 0.03 = 3.51）。" +
      "服务器用的是精确的 o_1 = 0.0321，所以损失是 3.44。",
    z_invalid: "请写 1 到 1000 个数，每个数在 −1000000 与 1000000 之间。",

    check: "检查梯度",
    bidirectional: "双向",
    tutorial_toggle: "同时运行教程自己的检查（恒等激活函数，误差 = 最后一个状态之和）",
    worst: (e) => `最大相对误差：${e}`,
    passed: "通过（小于 1e−6）",
    failed: "未通过（大于 1e−6）",
    axis_analytic: "解析梯度（BPTT）",
    axis_numeric: "数值梯度（±ε）",
    diagonal: "数值 = 解析",
    col_weight: "权重",
    col_error: "最大相对误差",
    tutorial_title: "教程的检查及其盲点",
    tut_identity_correct: "恒等激活的检查，正确的 BPTT",
    tut_identity_buggy: "恒等激活的检查，教程的 BPTT（下标错误）",
    tut_tanh_correct: "tanh 的检查，正确的 BPTT",
    tut_tanh_buggy: "tanh 的检查，教程的 BPTT（下标错误）",
    verdict_pass: "通过",
    verdict_fail: "未通过",
    blind_spot:
      "恒等激活的检查在有 bug 的代码上也能通过：f(x) = x 时处处 f' = 1，用 k+1 时刻的状态代替 k " +
      "时刻的，它看不出任何差别。换成非线性的 f（tanh）并多走几步，就能抓到这个下标错误。",

    radius: "W 的谱半径",
    clip_on: "梯度裁剪阈值",
    init: "初始化",
    axis_k: "k（δ_T 从最右边的 k = T 进入）",
    overflow_mark: "溢出",
    axis_ratio: "‖δ_k‖ / ‖δ_T‖（对数坐标）",
    ratio_trace: "‖δ_k‖ / ‖δ_T‖",
    bound_trace: "上界 (β_W β_f)^{T−k}",
    betas: (bw, bf, prod) => `β_W = ${bw}，β_f = ${bf}，β_W β_f = ${prod}`,
    radius_vs_norm: (rho, bw) =>
      `滑块设定的是 ρ(W) = ${rho}，即 W 的谱半径（特征值绝对值的最大者）；β_W = ‖W‖₂ = ${bw} 是它最大的奇异值，` +
      "不会小于 ρ(W)。上界每一步都乘以 β_W，所以即使 ρ(W) < 1 它也可能上升；步数多了，‖δ_k‖ 跟着 ρ(W) 走。",
    reach: (r) => `‖δ_1‖ / ‖δ_T‖ = ${r}`,
    nan_at: (k) => `从 k = ${k} 往前，δ 溢出了：数值超过了 float64 的上限（1.8·10³⁰⁸），变成 inf，随后变成 NaN。`,
    no_nan: "没有溢出：每个 δ_k 都是有限的数。",
    given_delta: "δ_T：一个固定的单位向量（‖δ_T‖ = 1，用种子 0 抽取），沿前向传播的 net_k 往回传。",
    grad_norm: (g) => `梯度范数 ‖∇‖ = ${g}`,
    clipped_to: (g, c) => `裁剪把它从 ${g} 缩放到 ${c}`,
    grad_nonfinite: "梯度不是有限值：裁剪无法缩放 NaN，要在溢出之前裁剪",
    remedies: "教程的三种对策：",
    remedy_init: "合理的初始化",
    remedy_relu: "ReLU",
    remedy_gated: "门控单元的通路",
    remedy_init_said:
      "W 现在以单位矩阵开始（谱半径为 1）：乘以 W 不再让 δ 变小或变大（β_W = 1），只有 f' < 1 还会让它变小。",
    remedy_relu_said:
      "f 现在是 ReLU，W 以单位矩阵开始：激活的单元上 f' 恰好为 1，而不是 tanh 的 f' < 1，" +
      "所以 δ 经过它们时大小不变。",
    remedy_gated_said:
      "引擎里没有 LSTM；这里演示的是门控单元加入的那条通路：一个线性单元，其循环权重是单位矩阵" +
      "（c_t = c_{t−1} + …，遗忘门全开），于是 ‖δ_k‖ 一路保持为 ‖δ_T‖：即“常数误差传送带”。",
    changed: (before, after) => `‖δ_1‖ / ‖δ_T‖ 从 ${before} 变成了 ${after}。`,

    settings: "模型",
    hidden_size: "隐藏层大小",
    opt_bidirectional: "双向",
    lr: "学习速率",
    optimizer: "优化器",
    clip: "梯度裁剪阈值（空 = 不裁剪）",
    truncate: "BPTT 截断步数 k（空 = 不截断）",
    corpus: "语料",
    unit: "单位",
    unit_word: "词",
    unit_char: "字符",
    cell: "单元",
    cell_rnn: "RNN（式2）",
    cell_lstm: "LSTM",
    cell_gru: "GRU",
    corpus_builtin: "内置语料",
    corpus_uploaded: "上传的语料",
    epochs: "轮数",
    pace: "速度",
    pace_watch: "便于观看（至少 20 秒）",
    pace_slow: "慢速（至少 60 秒）",
    pace_fast: "尽可能快",
    worse_than_bigram: (d) =>
      `验证集困惑度 ${fmt2(d.valid_perplexity)} 仍比 2-gram 的 ${fmt2(d.bigram_valid_perplexity)} 差：` +
      (d.model?.optimizer === "adam"
        ? "多训练几轮，或者新建一个隐藏层更大的模型。"
        : "多训练几轮，或者用 Adam、η 0.01 新建一个模型（普通 SGD 在这里学得很慢）。"),
    new_model: "按这些设置新建模型",
    start: "开始",
    pause_training: "暂停",
    resume: "继续",
    stop: "停止",
    sgd_step: "在这句话上做一步 SGD",
    state_running: "训练中…",
    state_paused: "已暂停。",
    configured: (m) =>
      `新的未训练${m.cell === "rnn" ? "" : ` ${m.cell.toUpperCase()} `}${m.unit === "char" ? "字符" : ""}模型：隐藏层 ${m.hidden_size}，${m.num_layers} 层` +
      `${m.bidirectional ? "，双向" : ""}${m.cell === "rnn" ? `，f = ${m.activation}` : ""}，初始化 ${m.init}。`,
    axis_step: "训练步数",
    loss_trace: "损失（每个词的交叉熵）",
    ppl_trace: "困惑度",
    stats: (p) =>
      `第 ${p.step} 步 · 第 ${p.epoch}/${p.epochs} 轮 · 每秒 ${Math.round(p.tokens_per_s)} 个词 · ` +
      `${p.elapsed.toFixed(1)} 秒 · 裁剪 ${p.clip_count} 次` +
      (p.eta_s ? ` · 还需约 ${Math.ceil(p.eta_s)} 秒` : ""),
    grad_norms: "每个权重的梯度范数",
    init_tutorial: "教程的方法",
    curves_empty: "按“开始”：训练时损失和困惑度曲线会在这里逐渐画出。",
    norms_empty: "第一次进度报告到来时，这里列出每个权重（U、W、V…）的 ‖∇‖。",
    sample_empty: "你的句子里每个词一根柱子：模型认为它出现的概率，随着学习不断更新。",
    sample_title: "你的句子中每个实际下一个词的概率（当前）",
    done: (d) =>
      `结束（${REASON.zh[d.reason] ?? d.reason}），共 ${d.steps} 步，${d.elapsed.toFixed(1)} 秒。困惑度：` +
      `训练集 ${fmt2(d.train_perplexity)}，验证集 ${fmt2(d.valid_perplexity)}` +
      `（2-gram ${fmt2(d.bigram_valid_perplexity)}，3-gram ${fmt2(d.trigram_valid_perplexity)}）。`,
    done_nan: (d) => `在第 ${d.nan_at} 步遇到 NaN 而停止。${d.message ?? ""}`,
    step_title: (loss0, loss1, lr) =>
      `一步 SGD，对每个权重执行 W ← W − η∇W，η = ${lr}：这句话上的损失 ${loss0} → ${loss1}。`,
    before: "之前",
    after: "之后",
    change: "之后 − 之前",
    col_norm_before: "‖之前‖",
    col_norm_after: "‖之后‖",
    col_change: "‖变化‖",
    col_grad: "‖∇‖",
    no_step_matrix: "太大，无法绘出；只显示范数",

    col_t: "t",
    row_input: "输入 x_t",
    row_label: "标签",
    onehot_title: (word, index, size) => `“${word}”的 one-hot 向量：共 ${size} 维，下标 ${index} 处为 1，其余都是 0`,
    onehot_pick: "点选表格中的一个词。",
    zeros: (n) => `${n} 个 0`,
    s_and_e: "s = 句子开始（<s>），e = 句子结束（</s>）。",

    blank_sentence: "带空格的句子",
    fill: "填空",
    forward_chain: "正向链 s_t（向右读 →）",
    backward_chain: "反向链 s'_t（向左读 ←）",
    both_sides: "双向模型（看两边）",
    left_only: (name) => `只看左边的模型 ${name}（空格前的词）`,
    no_blank_model: "服务器上没有载入内置的双向模型。",

    deep_layers: "堆叠层数",
    show_flow: "运行 BPTT",
    deep_note: (L, T) => `${L} 层，${T} 步，未训练的模型（隐藏层大小 8）。`,
    legend_time: "← 沿时间反向（式3）",
    legend_down: "↓ 传到下一层（式4）",
    layer_n: (l) => `第 ${l} 层`,

    k_label: "截断步数 k",
    compare: "比较",
    bars_full: "完整 BPTT 的 ‖δ_t‖",
    bars_trunc: (k) => `截断于 k = ${k}`,
    gap_line: (k, gap, full) => `‖∇W_截断 − ∇W_完整‖ = ${gap}（‖∇W_完整‖ = ${full}），k = ${k}`,
    no_truncation: (k, T) => `k = ${k} ≥ T = ${T}：什么都没丢，两个梯度相同。`,
    dropped: "被截断丢掉",
    source_label: "从 o_j 进入的误差，j =",
    net_name: "截断 BPTT 的网络",
    reach_line: (j, first, k) =>
      `o_${j} 的误差沿橙色 δ 箭头往回传到 δ_${first}（k = ${k}：第 ${j} 步和之前 ${k - 1} 步）；` +
      `δ_${first} 之前的灰色虚线箭头就是截断丢掉的 δ 项。可以换一个 j，或点击网格中的 o_j 行。`,
    reach_all: (j, k) =>
      `o_${j} 的误差能一直传到 δ_1（k = ${k} ≥ ${j}）：截断没有丢掉它的任何部分。可以选一个更靠后的 j，或点击网格中的 o_j 行。`,

    strip_title: "−log o_t(标签)",
    running_p: "到目前为止整句话的概率",
    error_title: "o_t − y_t（标签及前几个猜测上的值）",
    strip_blank: "逐词损失需要从左到右的模型；本页正在用填空模型。",
    total: (loss, ppl) => `平均损失 ${loss}，困惑度 ${ppl}`,

    download: "下载当前模型（.npz）",
    load_model: "载入模型文件（.npz）",
    upload_corpus: "上传语料（.txt，UTF-8）",
    train_uploaded: "要在上面训练，请在“训练”标签页选择“上传的语料”，再按“开始”。",
    loaded: (m) =>
      `已载入“${m.name}”：词典 ${m.vocab_size} 个${UNIT_NOUN.zh[m.unit] ?? "词"}，隐藏层 ${m.hidden_size}。`,
    uploaded: (r) =>
      `已上传 ${r.bytes} 字节：${r.sentences} 句，${r.tokens} 个${UNIT_NOUN.zh[r.unit] ?? "词"}，语言 ${r.language}，` +
      `词典 ${r.vocab_size} 个${UNIT_NOUN.zh[r.unit] ?? "词"}。`,
    too_big: (max) => `文件超过服务器允许的大小（${max} 字节）。`,
    not_utf8: "文件不是 UTF-8 文本。",
    empty_file: "文件是空的。",
    current_model: (m) =>
      `当前模型：“${m.name}”（${ORIGIN.zh[m.origin] ?? m.origin}），词典 ${m.vocab_size} 个${UNIT_NOUN.zh[m.unit] ?? "词"}。`,
    pick_model: "选择 .npz 文件…",
    pick_corpus: "选择 .txt 文件…",
    not_npz: "这不是模型文件：Unrolled（或 numpy.savez）保存的 .npz 是一个 zip 压缩包。",
    grid_axis: (T) => `δ_t，t = 1…${T}（每个输入词一列）`,
    both_chains: "两条链",
    train_progress: "训练进度",
    dropped_terms: "被截断丢掉的项",
    tab_remedies: "补救办法",
    intro_remedies:
      "教程给出梯度消失的三种办法：合理的初始化、ReLU 和门控单元。这里教科书式的 tanh RNN、W = I 的 " +
      "ReLU RNN、LSTM 和 GRU 在同一语料上训练，读同一句话。每个方格是 ‖∂E_t/∂x_k‖：最后一个词处的误差有多少" +
      "传到第 k 个词，按最后一个词自己得到的误差的比例（颜色越深越多）。每个模型下面是它在手写的长距离句子上的" +
      "准确率，按线索词离得多远分组。点一个词，就从那个词往回追踪误差。",
    remedy_sentence: "用来比较的句子",
    role_tanh: "tanh RNN，Xavier 初始化 W",
    role_relu: "ReLU RNN，W = I（页面使用的模型）",
    role_lstm: "LSTM",
    role_gru: "GRU",
    remedy_error_at: (word, t) => `从“${word}”（t = ${t}）处的误差往回追踪`,
    verdict_reaches: (share) => `传到了第一个词：是 t 处误差的 ${share}`,
    verdict_fades: (share) => `逐渐变弱：只有 t 处误差的 ${share} 传到第一个词`,
    verdict_vanishes: (share) => `消失了：只有 t 处误差的 ${share} 传到第一个词`,
    remedy_p: (word, p, top, tp) => `p(“${word}”) = ${p}；它排第一的词是“${top}”（${tp}）`,
    remedy_bins: (overall) => `没见过的长距离句子：${overall} 排在第一；按线索词的距离：`,
    remedy_bin: (lo, hi, acc, n) => `往前 ${lo}–${hi} 个词：${acc}（${n} 句）`,
    remedy_missing: (n) => `四个模型中有 ${n} 个没有随程序提供（make models 会生成它们）。`,
    remedy_use: "在页面上使用这个模型",
    remedy_used: (name) => `页面现在用 ${name} 读句子：可以在上面逐步查看它的 BPTT。`,
    pick_word: (word) => `从“${word}”往回追踪误差`,
  },
};

/** A number to 2 decimals, "NaN" for null. */
function fmt2(value) {
  return value === null || value === undefined ? "NaN" : value.toFixed(2);
}

/** The lab strings: lt(key, lang, ...args); labLabel(key, lang), an accessible name; and
 *  applyLabStrings(root, lang) for the partial's [data-lab-i18n] and [data-lab-label] nodes. */
export const {
  t: lt,
  label: labLabel,
  apply: applyLabStrings,
} = translator(STRINGS, "data-lab-i18n", "data-lab-label");
