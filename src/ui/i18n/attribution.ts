// Strings for word attribution (occlusion): the Explain button on a result, the highlight, its
// table and controls, and "Why was this wrong?" in Evaluate. Spread into en.ts and zh.ts.
export const attributionEn = {
  'attr.explain': 'Explain',
  'attr.explainTitle': 'Which words moved the prediction? Scores the input once more with each word left out.',
  'attr.whyWrong': 'Why was this wrong?',
  'attr.heading': 'Word attribution',
  'attr.close': 'Close',
  'attr.mode': 'Each word is',
  'attr.mode.remove': 'removed',
  'attr.mode.mask': 'replaced by the mask token ({mask})',
  'attr.label': 'Show the effect on',
  'attr.predicted': '{label} (predicted)',
  'attr.legend':
    'Blue: the word pushes toward “{label}” (without it, “{label}” loses probability); orange: it pushes away. Hover or focus a word for its number.',
  'attr.wordAria': '{word}: {delta} for {label}',
  'attr.progress': 'Scoring: {done} of {n} words…',
  'attr.cost': 'Ran {run} prompts for {n} words: n + 1 = {n1}.',
  'attr.costCached': 'Needed {needed} prompts for {n} words; {run} ran on the model, the rest came from the cache.',
  'attr.costExtra':
    'Beyond n + 1: calibration’s content-free prompts and, with “all sub-tokens”, a prompt per number of masks of multi-token label words.',
  'attr.noWords': 'This input has no words to leave out.',
  'attr.table': 'Numbers: Δp per word and label',
  'attr.tableWord': 'Word',
  'attr.tableSlot': 'Input',
  'attr.tableCaption': 'Δp = P(label | input) − P(label | input without the word), in percentage points.',
  'attr.points': '{value} pp',
  'attr.noModel': 'Load a model first.',
  'attr.invalid': 'Fix the template and the verbalizer first.',
  'attr.modelChanged': 'The model changed since this evaluation ran. Run the evaluation again to explain its examples.',
  'attr.failed': 'The attribution stopped: {message}',
} as const;

export type AttributionKey = keyof typeof attributionEn;

export const attributionZh: Record<AttributionKey, string> = {
  'attr.explain': '解释',
  'attr.explainTitle': '哪些词影响了预测？逐个去掉输入中的词，再给输入打分。',
  'attr.whyWrong': '为什么错了？',
  'attr.heading': '词归因',
  'attr.close': '关闭',
  'attr.mode': '每个词被',
  'attr.mode.remove': '删除',
  'attr.mode.mask': '替换为掩码词元（{mask}）',
  'attr.label': '显示对哪个标签的影响',
  'attr.predicted': '{label}（预测）',
  'attr.legend':
    '蓝色：这个词把预测推向“{label}”（去掉它，“{label}”的概率下降）；橙色：把预测推离它。悬停或聚焦在词上可看到数值。',
  'attr.wordAria': '{word}：对 {label} {delta}',
  'attr.progress': '打分中：已完成 {done} / {n} 个词……',
  'attr.cost': '为 {n} 个词运行了 {run} 个提示：n + 1 = {n1}。',
  'attr.costCached': '{n} 个词需要 {needed} 个提示；其中 {run} 个在模型上运行，其余来自缓存。',
  'attr.costExtra': '超出 n + 1 的部分：校准的无内容提示，以及在“全部子词元”模式下多词元标签词每种掩码数各一个提示。',
  'attr.noWords': '这个输入没有可以去掉的词。',
  'attr.table': '数值：每个词对每个标签的 Δp',
  'attr.tableWord': '词',
  'attr.tableSlot': '输入',
  'attr.tableCaption': 'Δp = P(标签 | 输入) − P(标签 | 去掉该词的输入)，单位为百分点。',
  'attr.points': '{value} 个百分点',
  'attr.noModel': '请先加载模型。',
  'attr.invalid': '请先修正模板和标签词映射。',
  'attr.modelChanged': '这次评估之后模型已更换。请重新运行评估，再解释其中的样例。',
  'attr.failed': '归因已停止：{message}',
};
