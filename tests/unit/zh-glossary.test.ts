// One Chinese term per UI concept: a teacher who reads 演练场 in the tabs must not meet 试验场 in a
// hint. The glossary names the term of each key concept, where the UI introduces it, and the
// variants that once crept in (or easily would); no Chinese text may use a variant.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { zh } from '../../src/ui/i18n/zh.ts';
import type { MessageKey } from '../../src/ui/i18n/en.ts';

interface Term {
  concept: string;
  term: string;
  /** Keys whose Chinese text introduces the concept: each contains the term. */
  introducedBy: MessageKey[];
  variants: string[];
}

const GLOSSARY: Term[] = [
  { concept: 'Playground', term: '演练场', introducedBy: ['nav.playground'], variants: ['试验场', '游乐场', '练习场'] },
  {
    concept: 'verbalizer',
    term: '标签词映射',
    introducedBy: ['verbalizer.title', 'verbalizer.label', 'format.mapping'],
    variants: ['答案映射', '标签词表', '表达器', '映射器', '言语化器'],
  },
  { concept: 'template', term: '模板', introducedBy: ['template.title', 'template.label'], variants: ['模版'] },
  { concept: 'label word', term: '标签词', introducedBy: ['verbalizer.tokensTable'], variants: ['标记词', '标签单词'] },
  {
    concept: 'token',
    term: '词元',
    introducedBy: ['result.tokens', 'result.topk'],
    variants: ['掩码标记', '特殊标记', '开始标记', '令牌', '词符'],
  },
  { concept: 'mask', term: '掩码', introducedBy: ['model.pick'], variants: ['遮蔽', '遮罩', '屏蔽'] },
  { concept: 'calibration', term: '校准', introducedBy: ['scoring.calibrate'], variants: ['标定'] },
  { concept: 'Evaluate', term: '评估', introducedBy: ['eval.nav'], variants: ['评测'] },
  {
    concept: 'Compare',
    term: '对比',
    introducedBy: ['nav.compare', 'compare.title', 'eval.compare.title'],
    variants: ['模板比较', '并排比较'],
  },
  { concept: 'Presets', term: '预设', introducedBy: ['nav.presets'], variants: ['预置'] },
  {
    concept: 'Present (projector mode)',
    term: '演示',
    introducedBy: ['header.present'],
    variants: ['放映', '展示模式'],
  },
  { concept: 'Share & import', term: '分享与导入', introducedBy: ['header.share', 'share.title'], variants: ['共享'] },
  { concept: 'workspace', term: '工作区', introducedBy: ['notice.workspaceMigrated'], variants: ['工作空间'] },
  { concept: 'load (a model)', term: '加载', introducedBy: ['model.load'], variants: ['载入'] },
  {
    concept: 'few-shot',
    term: '少样本',
    introducedBy: ['fewshot.tabs.fewshot', 'fewshot.title'],
    variants: ['小样本', '少量样本学习'],
  },
  {
    concept: 'demonstrations (LM-BFF)',
    term: '示范',
    introducedBy: ['fewshot.method.demonstrations', 'fewshot.demos.legend'],
    // 示例 already names the demo datasets, 演示 the projector mode.
    variants: ['演示样例', '上下文示例', '示例样本'],
  },
];

const root = resolve(import.meta.dirname, '../..');
/** The issue messages (core/messages/zh.ts) hold functions too: read their source, without comments. */
const issueMessages = readFileSync(resolve(root, 'src/core/messages/zh.ts'), 'utf8')
  .split('\n')
  .filter((line) => !line.trim().startsWith('//'))
  .join('\n');
const uiTexts = Object.entries(zh) as [MessageKey, string][];

describe('the Chinese UI uses one term per concept', () => {
  it.each(GLOSSARY)('$concept is always $term', ({ term, introducedBy, variants }) => {
    for (const key of introducedBy) expect(zh[key], key).toContain(term);
    for (const variant of variants) {
      expect(
        uiTexts.filter(([, text]) => text.includes(variant)).map(([key]) => key),
        `UI texts with "${variant}"`,
      ).toEqual([]);
      expect(issueMessages.includes(variant), `issue messages with "${variant}"`).toBe(false);
    }
  });

  it('Playground has exactly one name, in every text that mentions it', () => {
    const mentions = uiTexts.filter(([, text]) => /演练场|试验场|游乐场|练习场/.test(text));
    expect(mentions.length).toBeGreaterThan(1);
    for (const [key, text] of mentions)
      expect(text.match(/演练场|试验场|游乐场|练习场/g), key).toEqual(text.match(/演练场/g));
  });
});
