// Strings for what the model reads: an empty input, the part of a long input the model read and
// the part it did not, and the presentation mode's clicker keys. Spread into en.ts and zh.ts.
export const readingEn = {
  'inputs.typeSomething': 'Type a sentence here to see what the model predicts for it.',
  'result.unreadFold': '… {n} more token(s) not read by the model',
  'result.unreadShow': 'show',
  'result.unreadHide': 'hide',
  'result.unreadText': 'Text the model did not read',
  'present.keysHint': 'Clicker or keyboard: Page Up / Page Down or the arrow keys move between inputs.',
} as const;

export type ReadingKey = keyof typeof readingEn;

export const readingZh: Record<ReadingKey, string> = {
  'inputs.typeSomething': '在这里输入一个句子，看看模型对它的预测。',
  'result.unreadFold': '……还有 {n} 个词元模型没有读到',
  'result.unreadShow': '显示',
  'result.unreadHide': '收起',
  'result.unreadText': '模型没有读到的文本',
  'present.keysHint': '翻页笔或键盘：Page Up / Page Down 或方向键在输入之间切换。',
};
