// Strings of the shared display pieces: a result that is not current, the model's loading phase,
// the word-start markers of tokens (Ġ, ▁). Spread into en.ts and zh.ts.
export const displayEn = {
  'result.notCurrent': 'not current',
  'result.notCurrentHint':
    'Computed before your latest changes. It is replaced as soon as the template, the verbalizer and the inputs are valid and have been scored.',
  'model.phase.downloading': 'Downloading the model files…',
  'model.phase.preparing': 'Preparing the model…',
  'model.phase.warmup': 'Warming up: a first test run…',
  'tokens.markerBpe': 'Ġ marks a token that starts with a space (byte-level BPE): Ġgreat is “ great”.',
  'tokens.markerSentencePiece': '▁ marks a token that starts a new word (SentencePiece): ▁great is “ great”.',
} as const;

export type DisplayKey = keyof typeof displayEn;

export const displayZh: Record<DisplayKey, string> = {
  'result.notCurrent': '不是最新结果',
  'result.notCurrentHint': '这是你最近修改之前算出的结果。模板、标签词映射和输入都有效并重新计算后，它会被替换。',
  'model.phase.downloading': '正在下载模型文件…',
  'model.phase.preparing': '正在准备模型…',
  'model.phase.warmup': '正在预热：首次试运行…',
  'tokens.markerBpe': 'Ġ 表示这个词元以空格开头（字节级 BPE 用它表示空格）：Ġgreat 就是“ great”。',
  'tokens.markerSentencePiece': '▁ 表示这个词元是一个新词的开头（SentencePiece）：▁great 就是“ great”。',
};
