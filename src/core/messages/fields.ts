// The field a setup error or a cut text is about, in words ("input 1, [X]", "模板 2 的文本"),
// never as the schema's path ("inputs[0].X"): paths name the data structure, not what the user
// sees. Paths come from setup-parse.ts (formatPath) and setup-fit.ts.
import { isInputSlotKey } from '../limits.ts';
import type { Locale } from './catalog.ts';

type Words = Readonly<Record<Locale, string>>;

const n1 = (index: string): number => Number(index) + 1;

/** A slot key as the template writes it ("[X2]"), or a quoted unknown key. */
const slotName = (key: string, locale: Locale): string =>
  isInputSlotKey(key) ? `[${key}]` : locale === 'zh' ? `字段“${key}”` : `field “${key}”`;

const TEMPLATE_FIELD: Readonly<Record<string, Words>> = {
  text: { en: 'text', zh: '文本' },
  name: { en: 'name', zh: '名称' },
  id: { en: 'id', zh: 'id' },
  demo: { en: 'demonstration template', zh: '示范模板' },
};

const FIXED: Readonly<Record<string, Words>> = {
  '(root)': { en: 'the setup', zh: '设置' },
  version: { en: 'version', zh: '版本' },
  name: { en: 'setup name', zh: '设置名称' },
  model: { en: 'model', zh: '模型' },
  'model.id': { en: 'model id', zh: '模型 id' },
  'model.source': { en: 'model source', zh: '模型来源' },
  'model.dtype': { en: 'model precision', zh: '模型精度' },
  'model.device': { en: 'model device', zh: '模型设备' },
  templates: { en: 'templates', zh: '模板' },
  /** A demonstration template not yet in a setup (the few-shot view, an import). */
  demo: { en: 'demonstration template', zh: '示范模板' },
  activeTemplateId: { en: 'active template', zh: '当前模板' },
  verbalizer: { en: 'verbalizer', zh: '标签词表' },
  'verbalizer.labels': { en: 'verbalizer', zh: '标签词表' },
  scoring: { en: 'scoring', zh: '打分方式' },
  inputs: { en: 'inputs', zh: '输入' },
  compareModel: { en: 'second model', zh: '第二个模型' },
  verbalizerVariants: { en: 'verbalizer variants', zh: '标签词映射变体' },
  grid: { en: 'grid', zh: '网格' },
  'grid.templateIds': { en: 'grid templates', zh: '网格的模板' },
  'grid.verbalizers': { en: 'grid verbalizers', zh: '网格的标签词映射' },
  'grid.models': { en: 'grid models', zh: '网格的模型' },
  'grid.calibration': { en: 'grid calibration', zh: '网格的校准' },
};

/** One path ("inputs[0].X", "templates[1].text", "verbalizer.labels[2].words[0]") in words. */
export function fieldInWords(path: string, locale: Locale = 'en'): string {
  const zh = locale === 'zh';
  const fixed = FIXED[path];
  if (fixed) return fixed[locale];
  let m = /^inputs\[(\d+)\](?:\.(.+))?$/.exec(path);
  if (m) {
    const [, row = '0', key] = m;
    if (key === undefined) return zh ? `输入 ${n1(row)}` : `input ${n1(row)}`;
    const slot = slotName(/^\["(.*)"\]$/.exec(key)?.[1] ?? key, locale);
    return zh ? `输入 ${n1(row)} 的 ${slot}` : `input ${n1(row)}, ${slot}`;
  }
  m = /^templates\[(\d+)\](?:\.(\w+))?$/.exec(path);
  if (m) {
    const [, index = '0', key] = m;
    const field = key === undefined ? undefined : TEMPLATE_FIELD[key];
    if (!field) return zh ? `模板 ${n1(index)}` : `template ${n1(index)}`;
    return zh ? `模板 ${n1(index)} 的${field.zh}` : `template ${n1(index)}, ${field.en}`;
  }
  m = /^verbalizer\.labels\[(\d+)\](?:\.(label|words)(?:\[(\d+)\])?)?$/.exec(path);
  if (m) {
    const [, label = '0', key, word] = m;
    if (word !== undefined)
      return zh ? `标签 ${n1(label)} 的第 ${n1(word)} 个词` : `label ${n1(label)}, word ${n1(word)}`;
    if (key === 'words') return zh ? `标签 ${n1(label)} 的词` : `label ${n1(label)}, words`;
    if (key === 'label') return zh ? `标签 ${n1(label)} 的名称` : `label ${n1(label)}, name`;
    return zh ? `标签 ${n1(label)}` : `label ${n1(label)}`;
  }
  m = /^verbalizerVariants\[(\d+)\](?:\.(\w+))?/.exec(path);
  if (m) {
    const [, index = '0', key] = m;
    if (key === 'name') return zh ? `变体 ${n1(index)} 的名称` : `variant ${n1(index)}, name`;
    return zh ? `标签词映射变体 ${n1(index)}` : `verbalizer variant ${n1(index)}`;
  }
  m = /^grid\.(templateIds|verbalizers|models|calibration)\[\d+\]/.exec(path);
  if (m) return FIXED[`grid.${m[1]}`]![locale];
  m = /^scoring\.(\w+)$/.exec(path);
  if (m) return zh ? `打分选项“${m[1]}”` : `scoring option “${m[1]}”`;
  // Anything else is named by the part of the setup it belongs to.
  const top = /^[A-Za-z]+/.exec(path)?.[0];
  return (top !== undefined ? FIXED[top] : undefined)?.[locale] ?? FIXED['(root)']![locale];
}

/** Several paths in words, as one list. */
export function fieldsInWords(paths: readonly string[], locale: Locale = 'en'): string {
  return paths.map((p) => fieldInWords(p, locale)).join(locale === 'zh' ? '；' : '; ');
}
