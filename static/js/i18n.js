// Every string of the page in English and Chinese. Views call t(key, lang, ...args).
// Accessible names that tests and assistive tools rely on stay English-reachable in Chinese:
// label(key, lang) gives "中文 / English" in Chinese mode and the English name otherwise.

import { notation } from "./util.js";

// A count's noun for a model's tokens (ModelInfo.unit, a too_long error's params.unit).
const nounEn = (unit) => (unit === "char" ? "characters" : "words");
const nounZh = (unit) => (unit === "char" ? "字符" : "词");

const STRINGS = {
  en: {
    lang_switch: "中文",
    subtitle: "watch a recurrent network read, predict and learn",
    sentence: "Sentence",
    sentence_hint: "Type a sentence in English or Chinese; Enter or a short pause sends it.",
    connecting: "Connecting to the server…",
    connected: "Connected",
    reconnecting: "Connection lost; reconnecting…",
    model_line: (m) =>
      `Model “${m.name}”: ${m.language}, ${m.vocab_size} ${nounEn(m.unit)}, hidden size ${m.hidden_size}, ` +
      `${m.num_layers} layer${m.num_layers > 1 ? "s" : ""}` +
      `${m.bidirectional ? ", bidirectional" : ""}, ${m.cell && m.cell !== "rnn" ? m.cell.toUpperCase() : `f = ${m.activation}`}`,
    sentence_model: (name) => `· this sentence is read by the built-in model “${name}”`,
    predictions: "Next-word predictions",
    predictions_empty: "Type a sentence to see what the network expects next.",
    col_read: "just read",
    col_top: "RNN's top 3",
    col_next: "actual next",
    words_back: (n, unit) =>
      unit === "char" ? `sees ${n} character${n === 1 ? "" : "s"} back` : `sees ${n} word${n === 1 ? "" : "s"} back`,
    model_rnn: "RNN",
    model_bigram: "2-gram",
    model_trigram: "3-gram",
    key_word_note: "Click a row. The RNN reads every earlier word; the 2-gram sees one word, the 3-gram two.",
    key_char_note: "Click a row. The RNN reads every earlier character; the 2-gram sees one character, the 3-gram two.",
    blank_title: "The blank",
    left_only: "left-only model",
    network: "Unrolled network",
    network_hint: "One column per input word. Hover a unit to see its exact value.",
    network_hint_char: "One column per input character (␣ is a space). Hover a unit to see its exact value.",
    legend_value: "unit value",
    legend_delta: "δ arrow width ∝ ‖δ_k‖",
    hide_unk: "Hide <unk> (it names no word) from the top words",
    network_hint_lstm:
      "An LSTM: the block is h_t = s_t; below it the cell state c_t on the cell path, then the gates f, i, c̃, o.",
    network_hint_gru: "A GRU: the block is h_t = s_t; below it the gates z, r and the candidate h̃.",
    legend_gates_lstm: "gates: f forget, i input, o output (σ, 0…1); c̃ candidate, c_t cell state",
    legend_gates_gru: "gates: z update, r reset (σ, 0…1); h̃ candidate",
    legend_carry: "δ_c on the cell path: times f only (no W, no f′)",
    net_table: "The network's numbers as a table",
    net_table_caption: "s_t of every unit per time step; ‖δ_t‖ and δ_t once the backward pass has reached t",
    net_table_top: "top word",
    export_group: "Download this figure",
    export_png: "Download as PNG",
    export_svg: "Download as SVG",
    export_csv: "Download its numbers as CSV",
    reach_kept: (j, t, k) => `the error of o_${j} reaches δ_${t} (${Math.abs(j - t)} of at most ${k - 1} steps back)`,
    reach_dropped: (j, t, k) => `dropped: with k = ${k} the error of o_${j} stops before δ_${t}`,
    bptt: "BPTT",
    bptt_title: "Backpropagation through time",
    step_backward: "Step backward",
    step_forward: "Step forward",
    play: "Play",
    pause: "Pause",
    speed: "Speed",
    position: "Position in the pass",
    frames_per_s: "frames/s",
    phase_forward: (t, T) => `Forward pass: step t = ${t} of ${T}`,
    phase_backward: (k, T) => `Backward pass: error term at k = ${k} (from ${T} down to 1)`,
    phase_totals: "Totals: the gradients summed over time",
    phase_none: "Type a sentence to start a pass.",
    keys_hint: "Keys: ← →  step, space  play/pause",
    delta_not_yet: "δ appears once the backward pass starts (step forward past t = T).",
    formula: "Formula",
    hidden_more: (n) => `… ${n} more`,
    input_note: (i, word) => `x_t: the one-hot vector of “${word}”, 1 at index ${i}`,
    label_note: (i, word) => `y_t: the label “${word}” (index ${i}); E_t is its cross-entropy`,
    output_share: "from the output o_k",
    time_share: "from step k+1 (式3)",
    up_share: "from the layer above (式4)",
    nothing_from_future: "nothing arrives from k+1: this is the last step",
    only_column: (i) => `only column ${i} (the input word's one-hot index) is non-zero`,
    running_sum: "running sum over the steps visited so far",
    chain_head: (layer, backward) => `Layer ${layer}${backward ? ", backward chain s′" : ""}`,
    total_loss: "loss E (mean cross-entropy)",
    truncated: "truncated: 式3 dropped here",
    output_share_gated: "from the output ŷ_k (no f′: h_k feeds V directly)",
    cell_note: "the cell state: f_t keeps part of c_{t−1}, i_t lets in part of the candidate c̃",
    h_is_s: "h_t is the state the page draws as s_t; it feeds V and the next step",
    gru_note: "z_t keeps part of h_{t−1}, 1 − z_t takes the candidate h̃_t (h_t = s_t)",
    gated_time_share: "from step k+1 through every gate's W_q (式3 for a gated cell)",
    cell_delta_note: "δ_c gets δ_h's share through h_k = o_k ∘ tanh(c_k), and what c_{k+1} sends back",
    carry_note_lstm: "carried along the cell path: multiplied by the forget gate only, no W and no f′",
    carry_note_gru: "the share of δ_h^{time} that skips W: multiplied by the update gate only",
    gate_delta_note: "each gate's error term δ_q = ∂E/∂net_q: it gives ∇U_q, ∇W_q, ∇b_q",
    stacked_note: "every gate's ∇W_q, stacked (G·H × H)",
    gated_path_lstm:
      "along the cell path the error is multiplied by f_k only: with f ≈ 1 it neither vanishes nor explodes",
    gated_path_gru: "along h the GRU multiplies the error by z_k (plus the paths through W)",
    nan_at: (t) => `A number became NaN or infinite at step ${t}: the gradient exploded; clipping is the remedy.`,
    gradflow: "Gradient flow",
    gradflow_hint:
      "‖δ_k‖ on a log scale as BPTT visits k, under the dashed bound " +
      "‖δ_T‖(β_W β_f)^{T−k} (drawn from the first backward step): it bounds what 式3 carries back from δ_T alone, so the line " +
      "can rise above it where a word's own output error adds in. A steep fall means vanishing gradients.",
    gradflow_norm: "‖δ_k‖",
    gradflow_axis_k: "k (δ_T enters at k = T, on the right)",
    gradflow_bound: "bound ‖δ_T‖(β_W β_f)^(T−k)",
    gradflow_cell: "‖δ_c,k‖ (LSTM cell path)",
    gradflow_hint_lstm:
      "‖δ_k‖ = ‖δ_h,k‖ on a log scale as BPTT visits k, and the LSTM's ‖δ_c,k‖ (dotted): along the cell path the error is multiplied by the forget gate f only, so where f ≈ 1 the dotted line stays level while δ_h, which also goes through W and the gates' σ′, may fall.",
    gradflow_hint_gru:
      "‖δ_k‖ = ‖δ_h,k‖ on a log scale as BPTT visits k. A GRU also hands δ_h back as z_k+1 ∘ δ_h,k+1, multiplied by the update gate only: where z ≈ 1 the error is kept.",
    gradflow_current: "current k",
    gradflow_empty: "Step into the backward pass to draw ‖δ_k‖.",
    gradsum: "Per-time gradients add up (式6)",
    gradsum_hint:
      "Each card is ∇W_k = δ_k s_{k−1}ᵀ (式5); their sum is ∇W. One colour scale for all cards " +
      "(blue negative, red positive, square-root shading so small entries show).",
    gradsum_empty: "The cards appear as the backward pass visits each k.",
    gradsum_sum: "sum so far",
    gradsum_total: "∇W (total)",
    no_matrices: "matrices not sent for this hidden size; norms only",
    error_prefix: "Server says:",
    errors: {
      too_long: (p) =>
        p
          ? `The sentence has ${p.tokens} ${nounEn(p.unit)}; the model reads at most ${p.limit}.`
          : "The sentence is too long.",
      empty: "The sentence has no words.",
      no_blank: (p) =>
        p && p.blanks > 1
          ? `Write exactly one ____: this sentence has ${p.blanks}.`
          : "This model fills a blank: write ____ where the missing word goes.",
      busy: "The server is busy; try again in a moment.",
      frame_too_large: "The answer would be too large.",
      internal: "The server hit an error; your session is unchanged.",
      limit: (p) => (p ? `${p.field} must be at most ${p.limit}.` : "A number is above the server's limit."),
      unknown_session: "The session was not found; this is a new one.",
      blank_prompt: "A prompt to continue cannot hold a blank (____).",
      too_short: "Write at least two words: a cue and a word after it.",
    },
    error_generic: "The server refused the request.",
    cut_offer: (limit, unit) => `Read the first ${limit} ${nounEn(unit)}`,
    cut_note: (limit, total, unit) => `Only the first ${limit} of the ${total} ${nounEn(unit)} are read.`,
    example: "i was late for school yesterday , the teacher criticised",
    presets: "Example sentences",
    presets_pick: "Examples…",
    presets_en: "English",
    presets_zh: "中文",
    blank_offer: "Put a ____ at the end",
    copy_link: "Copy link",
    present: "Present",
    present_exit: "Exit present mode (Esc)",
    copied: "Link copied: it opens this view.",
    copy_failed: "Copy the address bar: it opens this view.",
    tour_open: "Tour",
    tour_close: "Close the tour",
    tour_fold: "Fold",
    tour_unfold: "Unfold",
    tour_nav: "Tour steps",
    tour_back: "Back",
    tour_next: "Next",
    tour_jump: "Go to step",
    tour_load: "Load a tour file",
    tour_where: (i, n, section) => `Step ${i} of ${n} · ${section}`,
    tour_choices: "Your prediction",
    tour_waiting: "Waiting for the model's numbers…",
    tour_revealing: "Asking the model…",
    tour_failed: (why) => `The model could not answer this question: ${why}`,
    tour_right: "Right: the live numbers agree with you.",
    tour_wrong: (answer) => `Not this time: the model's numbers say “${answer}”.`,
    tour_score: (right, n) => `${right} of ${n} predictions right`,
    tour_col_section: "Section",
    tour_col_choice: "Your prediction",
    tour_col_answer: "The model's numbers",
    tour_unanswered: "not answered",
    tour_export_json: "Export as JSON",
    tour_export_csv: "Export as CSV",
    tour_gated: (cell) =>
      `The page's model is your ${cell}: the tour explains the RNN of 式2, so its numbers and some answers will differ. Make a new RNN in the Training lab to follow it as written.`,
    tour_bad: (e) => {
      const why =
        {
          syntax: "this line should be key: value (indent a line that continues a text)",
          unknown_key: "this key is not part of the tour format",
          duplicate: "this key is given twice",
          missing: "a required key is missing",
          invalid: "this value is not allowed",
          not_text: "the file is not UTF-8 text",
          empty: "the file is empty",
          too_large: "the file is larger than 64 KB",
          unreachable: "the tour file could not be fetched",
        }[e.reason] ?? "the tour file cannot be read";
      const where = e.line ? `line ${e.line}${e.field ? `, ${e.field}` : ""}: ` : "";
      return `Tour file, ${where}${why}${e.detail ? ` (${e.detail})` : ""}.`;
    },
  },
  zh: {
    lang_switch: "English",
    subtitle: "看循环神经网络读句子、预测下一个词、学习",
    sentence: "句子",
    sentence_hint: "输入一句中文或英文；回车或稍停片刻即发送。",
    connecting: "正在连接服务器…",
    connected: "已连接",
    reconnecting: "连接断开，正在重连…",
    model_line: (m) =>
      `模型“${m.name}”：语言 ${m.language}，词表 ${m.vocab_size} 个${nounZh(m.unit)}，隐藏层大小 ${m.hidden_size}，` +
      `${m.num_layers} 层${m.bidirectional ? "，双向" : ""}，${m.cell && m.cell !== "rnn" ? m.cell.toUpperCase() : `f = ${m.activation}`}`,
    sentence_model: (name) => `· 这句话由内置模型“${name}”来读`,
    predictions: "下一个词预测",
    predictions_empty: "输入一句话，看看网络预计下一个词是什么。",
    col_read: "刚读到",
    col_top: "RNN 的前三名",
    col_next: "实际下一个词",
    words_back: (n, unit) => `看到前 ${n} 个${nounZh(unit)}`,
    model_rnn: "RNN",
    model_bigram: "2-gram",
    model_trigram: "3-gram",
    key_word_note: "点选一行。RNN 读过前面的每一个词；2-gram 只看前一个词，3-gram 只看前两个。",
    key_char_note: "点选一行。RNN 读过前面的每一个字符；2-gram 只看前一个字符，3-gram 只看前两个。",
    blank_title: "空格",
    left_only: "只看左边的模型",
    network: "展开的网络",
    network_hint: "每个输入词一列。把鼠标放在单元上可看到它的精确值。",
    network_hint_char: "每个输入字符一列（␣ 表示空格）。把鼠标放在单元上可看到它的精确值。",
    legend_value: "单元的值",
    legend_delta: "δ 箭头粗细 ∝ ‖δ_k‖",
    hide_unk: "在排名靠前的词里隐藏 <unk>（它不代表任何词）",
    network_hint_lstm: "LSTM：方块是 h_t = s_t；下面是单元状态 c_t（单元状态的传送线），再下面是门 f、i、c̃、o。",
    network_hint_gru: "GRU：方块是 h_t = s_t；下面是门 z、r 和候选状态 h̃。",
    legend_gates_lstm: "门：f 遗忘门、i 输入门、o 输出门（σ，0…1）；c̃ 候选状态，c_t 单元状态",
    legend_gates_gru: "门：z 更新门、r 重置门（σ，0…1）；h̃ 候选状态",
    legend_carry: "沿单元状态传回的 δ_c：只乘以 f（没有 W，没有 f′）",
    net_table: "网络的数值（表格）",
    net_table_caption: "每个时刻每个单元的 s_t；反向传播到达 t 之后还有 ‖δ_t‖ 和 δ_t",
    net_table_top: "最可能的词",
    export_group: "下载此图",
    export_png: "下载 PNG",
    export_svg: "下载 SVG",
    export_csv: "下载数据（CSV）",
    reach_kept: (j, t, k) => `o_${j} 的误差传到 δ_${t}（往回 ${Math.abs(j - t)} 步，最多 ${k - 1} 步）`,
    reach_dropped: (j, t, k) => `被丢弃：k = ${k} 时 o_${j} 的误差到不了 δ_${t}`,
    bptt: "BPTT",
    bptt_title: "随时间反向传播",
    step_backward: "后退一步",
    step_forward: "前进一步",
    play: "播放",
    pause: "暂停",
    speed: "速度",
    position: "在这次计算中的位置",
    frames_per_s: "帧/秒",
    phase_forward: (t, T) => `前向计算：第 t = ${t} 步，共 ${T} 步`,
    phase_backward: (k, T) => `反向传播：k = ${k} 时刻的误差项（从 ${T} 到 1）`,
    phase_totals: "合计：各时刻梯度之和",
    phase_none: "输入一句话，开始一次前向与反向计算。",
    keys_hint: "键盘：← → 单步，空格 播放/暂停",
    delta_not_yet: "反向传播开始后才有 δ（单步前进越过 t = T）。",
    formula: "公式",
    hidden_more: (n) => `… 还有 ${n} 个`,
    input_note: (i, word) => `x_t：“${word}”的 one-hot 向量，第 ${i} 位为 1`,
    label_note: (i, word) => `y_t：标签“${word}”（下标 ${i}）；E_t 是它的交叉熵`,
    output_share: "来自输出 o_k",
    time_share: "来自 k+1 时刻（式3）",
    up_share: "来自上一层（式4）",
    nothing_from_future: "k+1 时刻没有误差传来：这是最后一步",
    only_column: (i) => `只有第 ${i} 列（输入词 one-hot 的下标）不为零`,
    running_sum: "到目前为止已访问时刻的累加",
    chain_head: (layer, backward) => `第 ${layer} 层${backward ? "，反向链 s′" : ""}`,
    total_loss: "损失 E（平均交叉熵）",
    truncated: "截断：此处不再执行式3",
    output_share_gated: "来自输出 ŷ_k（没有 f′：h_k 直接送往 V）",
    cell_note: "单元状态：f_t 保留一部分 c_{t−1}，i_t 放进一部分候选状态 c̃",
    h_is_s: "h_t 就是页面上画成 s_t 的状态；它送往 V 和下一时刻",
    gru_note: "z_t 保留一部分 h_{t−1}，1 − z_t 取候选状态 h̃_t（h_t = s_t）",
    gated_time_share: "来自 k+1 时刻，经过每个门的 W_q（门控单元的式3）",
    cell_delta_note: "δ_c 经 h_k = o_k ∘ tanh(c_k) 得到 δ_h 的一份，再加上 c_{k+1} 传回来的",
    carry_note_lstm: "沿单元状态传回：只乘以遗忘门，没有 W，也没有 f′",
    carry_note_gru: "δ_h^{time} 中绕过 W 的那一份：只乘以更新门",
    gate_delta_note: "每个门的误差项 δ_q = ∂E/∂net_q：由它得到 ∇U_q、∇W_q、∇b_q",
    stacked_note: "各个门的 ∇W_q 叠在一起（G·H × H）",
    gated_path_lstm: "沿单元状态，误差只乘以 f_k：f ≈ 1 时既不消失也不爆炸",
    gated_path_gru: "沿 h，GRU 把误差乘以 z_k（另外还有经过 W 的路径）",
    nan_at: (t) => `第 ${t} 步出现 NaN 或无穷大：梯度爆炸了；补救办法是梯度裁剪。`,
    gradflow: "梯度流",
    gradflow_hint:
      "BPTT 走到 k 时画出 ‖δ_k‖（对数坐标）。虚线是上界 " +
      "‖δ_T‖(β_W β_f)^{T−k}（从反向第一步起就画出）：它只约束式3从 δ_T 往回传的部分，某个词自己的输出误差加进来时，" +
      "实线可以高过它。下降得很陡，说明梯度消失。",
    gradflow_norm: "‖δ_k‖",
    gradflow_axis_k: "k（δ_T 从最右边的 k = T 进入）",
    gradflow_bound: "上界 ‖δ_T‖(β_W β_f)^(T−k)",
    gradflow_cell: "‖δ_c,k‖（LSTM 单元状态）",
    gradflow_hint_lstm:
      "BPTT 走到 k 时画出 ‖δ_k‖ = ‖δ_h,k‖（对数坐标），以及 LSTM 的 ‖δ_c,k‖（点线）：沿单元状态，误差只乘以遗忘门 f，所以 f ≈ 1 的地方点线保持平稳；而 δ_h 还要经过 W 和各个门的 σ′，可能下降。",
    gradflow_hint_gru:
      "BPTT 走到 k 时画出 ‖δ_k‖ = ‖δ_h,k‖（对数坐标）。GRU 还把 δ_h 以 z_k+1 ∘ δ_h,k+1 的形式传回，只乘以更新门：z ≈ 1 的地方误差得以保留。",
    gradflow_current: "当前 k",
    gradflow_empty: "进入反向传播后，这里画出 ‖δ_k‖。",
    gradsum: "各时刻梯度相加（式6）",
    gradsum_hint:
      "每张卡片是 ∇W_k = δ_k s_{k−1}ᵀ（式5）；它们的和就是 ∇W。所有卡片用同一色标" +
      "（蓝为负、红为正，按平方根着色，小的数也看得见）。",
    gradsum_empty: "反向传播每走到一个 k，就多一张卡片。",
    gradsum_sum: "目前的和",
    gradsum_total: "∇W（总和）",
    no_matrices: "此隐藏层大小不发送矩阵，只显示范数",
    error_prefix: "服务器：",
    errors: {
      too_long: (p) => (p ? `这句话有 ${p.tokens} 个${nounZh(p.unit)}，模型最多读 ${p.limit} 个。` : "句子太长了。"),
      empty: "句子里没有词。",
      no_blank: (p) =>
        p && p.blanks > 1 ? `只能有一个 ____：这句话有 ${p.blanks} 个。` : "这个模型是填空用的：请在缺词处写 ____。",
      busy: "服务器繁忙，请稍后再试。",
      frame_too_large: "结果太大，无法发送。",
      internal: "服务器出错；你的会话没有改变。",
      limit: (p) => (p ? `${p.field} 最大只能是 ${p.limit}。` : "有一个数超过了服务器的上限。"),
      unknown_session: "没有找到原来的会话；这是一个新的会话。",
      blank_prompt: "要续写的开头里不能有空格 ____。",
      too_short: "至少写两个词：一个线索词，和它后面的一个词。",
    },
    error_generic: "服务器拒绝了这个请求。",
    cut_offer: (limit, unit) => `只读前 ${limit} 个${nounZh(unit)}`,
    cut_note: (limit, total, unit) => `只读了 ${total} 个${nounZh(unit)}中的前 ${limit} 个。`,
    example: "我昨天上学迟到了，老师批评了",
    presets: "例句",
    presets_pick: "例句…",
    presets_en: "English",
    presets_zh: "中文",
    blank_offer: "在句末加一个 ____",
    copy_link: "复制链接",
    present: "演示模式",
    present_exit: "退出演示模式（Esc）",
    copied: "链接已复制：打开它就是现在这个画面。",
    copy_failed: "请复制地址栏：打开它就是现在这个画面。",
    tour_open: "导览",
    tour_close: "关闭导览",
    tour_fold: "收起",
    tour_unfold: "展开",
    tour_nav: "导览步骤",
    tour_back: "上一步",
    tour_next: "下一步",
    tour_jump: "跳到某一步",
    tour_load: "加载导览文件",
    tour_where: (i, n, section) => `第 ${i} 步，共 ${n} 步 · ${section}`,
    tour_choices: "你的预测",
    tour_waiting: "正在等待模型的数字……",
    tour_revealing: "正在询问模型……",
    tour_failed: (why) => `模型无法回答这个问题：${why}`,
    tour_right: "对了：实时的数字和你的预测一致。",
    tour_wrong: (answer) => `这次不对：模型的数字给出的是“${answer}”。`,
    tour_score: (right, n) => `${n} 个预测中对了 ${right} 个`,
    tour_col_section: "章节",
    tour_col_choice: "你的预测",
    tour_col_answer: "模型的数字",
    tour_unanswered: "未回答",
    tour_export_json: "导出为 JSON",
    tour_export_csv: "导出为 CSV",
    tour_gated: (cell) =>
      `页面上的模型是你的 ${cell}：导览讲的是式2 的 RNN，所以数字和部分答案会不同。要照着导览走，请在“训练”实验里新建一个 RNN。`,
    tour_bad: (e) => {
      const why =
        {
          syntax: "这一行应当是 key: value（续写的文字要缩进）",
          unknown_key: "导览格式里没有这个键",
          duplicate: "这个键出现了两次",
          missing: "缺少必需的键",
          invalid: "这个值不允许",
          not_text: "文件不是 UTF-8 文本",
          empty: "文件是空的",
          too_large: "文件超过 64 KB",
          unreachable: "无法获取导览文件",
        }[e.reason] ?? "无法读取导览文件";
      const where = e.line ? `第 ${e.line} 行${e.field ? `（${e.field}）` : ""}：` : "";
      return `导览文件${where ? `，${where}` : "："}${why}${e.detail ? `（${e.detail}）` : ""}。`;
    },
  },
};

/** The example sentences of the menu beside the sentence box: the tutorial's two, then one for
 *  each long-range family (the word the far-back cue decides comes next). */
export const PRESETS = {
  en: [
    "i was late for school yesterday , the teacher criticised",
    "my phone is broken , so i plan to buy a new",
    "tom missed the bus this morning , and the teacher criticised",
    "anna got full marks in the maths exam , so the teacher praised",
    "our kettle stopped working , so my father repaired the",
    "i lost my umbrella on the bus , but in the end my sister found the",
    "it is snowing heavily outside , so you should wear your",
    "after the long walk we were very thirsty , so we",
    "my uncle works in tokyo , so every winter we fly to",
    "my grandmother called me yesterday evening , and",
  ],
  zh: [
    "我昨天上学迟到了，老师批评了",
    "我的手机坏了，我打算买一部新",
    "小红今天早上没赶上公交车，上课迟到了，老师批评了",
    "小明期末考试考了一百分，老师表扬了",
    "我家的冰箱坏了，爸爸周末把",
    "我在公园里丢了钥匙，最后妈妈在沙发下面找到了",
    "今天外面下着大雨，出门记得带",
    "他踢完足球特别渴，一回到家就",
    "我的外婆住在杭州，所以每年暑假我们都坐高铁去",
    "我的奶奶昨天给我打了电话，",
  ],
};

/** t(key, lang, ...args), label(key, lang) and apply(root, lang) over one table {en, zh}:
 *  function-valued strings are called with `args`; an accessible name stays English-reachable
 *  ("中文 / English"); apply translates the nodes carrying the `textAttr` and `labelAttr` keys. */
export function translator(strings, textAttr, labelAttr) {
  function t(key, lang, ...args) {
    const value = strings[lang]?.[key] ?? strings.en[key];
    return typeof value === "function" ? value(...args) : value;
  }
  function label(key, lang) {
    const en = t(key, "en");
    return lang === "en" ? en : `${t(key, lang)} / ${en}`;
  }
  function apply(root, lang) {
    for (const node of root.querySelectorAll(`[${textAttr}]`)) {
      node.replaceChildren(...notation(t(node.getAttribute(textAttr), lang)));
    }
    for (const node of root.querySelectorAll(`[${labelAttr}]`)) {
      node.setAttribute("aria-label", label(node.getAttribute(labelAttr), lang));
    }
  }
  return { t, label, apply };
}

/** The page's strings: [data-i18n] text and [data-i18n-label] accessible names. */
export const { t, label, apply: applyStatic } = translator(STRINGS, "data-i18n", "data-i18n-label");

/** The message for an error code (worded with the frame's params), in `lang`; null when the
 *  code has no sentence of its own. */
export function errorText(code, lang, params = null) {
  const value = STRINGS[lang].errors[code];
  if (value === undefined) return null;
  return typeof value === "function" ? value(params) : value;
}

// Codes whose page words say only what kind of number was refused: in English the server's own
// sentence (which names it) follows them when the frame carries no params.
const SERVER_DETAIL = new Set(["limit", "frame_too_large", "internal"]);

/** An error frame ({code, message, params}) as a sentence in `lang`: the page's words for its
 *  code (the server speaks English, for API users); the server's words for a code the page does
 *  not know, and in English after a generic one. */
export function errorSentence(error, lang) {
  const own = errorText(error.code, lang, error.params);
  const server = `${t("error_prefix", lang)} ${error.message}`;
  if (own === null) return `${t("error_generic", lang)} ${server}`;
  return lang === "en" && !error.params && SERVER_DETAIL.has(error.code) ? `${own} ${server}` : own;
}
