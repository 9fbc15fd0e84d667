// Messages from the prompt engine, the setup schema, share links, format converters and the
// runtime, in the UI's language. The engine writes English messages with a code and parameters
// (src/core); English shows the engine's own text, Chinese is built here from code + parameters.
// Anything without a Chinese entry falls back to the English text, never to nothing.
import type { TemplateErrorCode, TemplateIssue, TemplateWarningCode } from '../../core/template';
import type { ResolutionIssue, ResolutionIssueCode, VerbalizerIssue, VerbalizerIssueCode } from '../../core/verbalizer';
import type { ScoringWarning, ScoringWarningCode } from '../../core/scoring';
import type { SetupError } from '../../core/setup-parse';
import type { LinkError, LinkErrorCode } from '../../core/share-link';
import type { FormatWarning } from '../../core/formats/common';
import { usePrefs, type Locale } from '../../store/prefs';

type Params = Record<string, string | number | undefined>;

function fill(template: string, params: Params): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    params[name] !== undefined ? String(params[name]) : whole,
  );
}

/** "第 3 个字符" / "第 2 行第 5 个字符". */
function zhPosition(p: Params): string {
  if (p.line === undefined || p.column === undefined) return '';
  return Number(p.multiline) ? `第 ${p.line} 行第 ${p.column} 个字符` : `第 ${p.column} 个字符`;
}

// Typed by the engine's code unions, so a new code without a Chinese message fails the type check.
const TEMPLATE_ZH: Record<TemplateErrorCode | TemplateWarningCode, (p: Params) => string> = {
  'empty-template': () => '模板是空的。请写一句话，用 [X] 表示输入，用 [Z] 表示答案，例如“[X] 总之，很[Z]。”',
  'missing-mask': () => '模板里没有答案槽位。请在模型要填答案的地方加上 [Z]，例如“[X] 总之，很[Z]。”',
  'duplicate-mask': (p) => `[Z] 出现了不止一次：第二个在${zhPosition(p)}。一个模板只能有一个答案槽位。`,
  'unknown-slot': (p) => {
    const at = zhPosition(p);
    const name = String(p.name ?? '');
    if (p.hint === 'mask')
      return `${at}的 [${name}] 不是槽位。请在模型要填答案的地方写 [Z]，ClozeLab 会在那里放入模型自己的掩码标记。`;
    if (p.hint === 'case') return `${at}的槽位 [${name}] 无法识别。槽位名要大写：写成 [${name.toUpperCase()}]。`;
    if (p.hint === 'zero') return `${at}的槽位 [${name}] 无法识别。输入从 1 开始编号，不带前导零：[X1]、[X2]……`;
    return `${at}的槽位 [${name}] 无法识别。输入用 [X]（或 [X1]、[X2]……），答案用 [Z]。要写字面的方括号，请输入 \\[ 或 \\]。`;
  },
  'empty-slot': (p) =>
    `${zhPosition(p)}有空的方括号“[]”。输入用 [X]（或 [X1]、[X2]……），答案用 [Z]。要写字面的方括号，请输入 \\[\\]。`,
  'unclosed-bracket': (p) =>
    `${zhPosition(p)}的“[”没有闭合。请用“]”闭合槽位（例如 [X]），或输入 \\[ 表示字面的方括号。`,
  'stray-bracket': (p) => `${zhPosition(p)}有多余的“]”，没有对应的“[”。要写字面的方括号，请输入 \\]。`,
  'unknown-modifier': (p) =>
    p.modifier === ''
      ? `${zhPosition(p)}的 [${p.slot}…] 中“|”后面的修饰符是空的。可用的修饰符：lower、nopunct。`
      : `${zhPosition(p)}的 [${p.slot}…] 中有未知的修饰符“${p.modifier}”。${p.suggestion ? `修饰符要小写：“${p.suggestion}”。` : ''}可用的修饰符：lower（首字母小写）、nopunct（去掉句末标点）。`,
  'mask-modifier': (p) => `${zhPosition(p)}的答案槽位 [Z] 不接受修饰符，只写 [Z] 即可。`,
  'mixed-inputs': (p) =>
    `${zhPosition(p)}的 [${p.slot}] 与前面用过的 [${p.other}] 混用了，分不清哪个输入是哪个。请只用一个输入 [X]，或者只用编号输入 [X1]、[X2]……`,
  'no-input-slot': () => '模板里没有输入槽位 [X]，所以每个例子得到的提示和预测都一样。',
  'slot-gap': (p) => `模板用了 [${p.slot}]，却没有用 ${p.missing}；这些输入会被忽略。是不是想连续编号？`,
  'duplicate-modifier': (p) => `${zhPosition(p)}的 [${p.slot}…] 中修饰符“${p.modifier}”出现了两次；一次就够了。`,
  'literal-mask-token': (p) =>
    `${zhPosition(p)}的“${p.literal}”在这里是普通文本，但模型的分词器可能把它当成真正的掩码标记。答案槽位请用 [Z]，或者换个写法。`,
};

const VERBALIZER_ZH: Record<VerbalizerIssueCode, (p: Params) => string> = {
  'empty-verbalizer': () => '还没有标签。每行写一个标签，例如“正面: 好, 棒”和“负面: 差, 坏”。',
  'missing-colon': (p) => fill('“{text}”没有“:”。请写标签、冒号，然后是它的词，例如“正面: 好, 棒”。', p),
  'empty-label': () => '“:”前面的标签名是空的。请写成例如“正面: 好, 棒”。',
  'duplicate-label': (p) => fill('标签“{label}”定义了两次。请把它的词都写在同一行。', p),
  'no-words': (p) => fill('标签“{label}”没有词。请在“:”后面至少列出一个词，例如“{label}: 好”。', p),
  'duplicate-word': (p) => fill('“{word}”在“{label}”下出现了两次。请删掉一个。', p),
  'shared-word': (p) => fill('“{word}”也是“{other}”的词；它给两个标签加上同样的分数。', p),
  'single-label': (p) => fill('只有一个标签（“{label}”）：它总会被预测出来。请至少再加一个标签。', p),
  'empty-word': (p) => (Number(p.quoted) ? '空的带引号的词 ""（已忽略）。' : '逗号之间的词是空的（已忽略）。'),
  'unclosed-quote': () => '这个引号没有闭合。请在同一行用 " 闭合。',
  'unexpected-text': (p) =>
    p.kind === 'quote'
      ? '词里面有引号。请把整个词放在引号里（"…"），词中的引号写成 \\"。'
      : p.kind === 'colon'
        ? '这一行有第二个“:”。只有标签以“:”结尾；含“:”的词请放在引号里。'
        : p.kind === 'after-quote-label'
          ? '右引号后面有多余的文字。词之间用逗号分隔，标签以“:”结尾。'
          : '右引号后面有多余的文字。词之间用逗号分隔。',
  'too-large': (p) => fill('标签词表太长（{length} 个字符；最多 {max} 个）。', p),
  'over-limit': (p) =>
    p.kind === 'labels'
      ? fill('标签太多：最多 {max} 个。“{label}”及其后的标签超出了上限。', p)
      : p.kind === 'words'
        ? fill('“{label}”的词太多：最多 {max} 个。', p)
        : p.kind === 'label-chars'
          ? fill('标签“{label}”太长（{length} 个字符；最多 {max} 个）。', p)
          : fill('词“{word}”太长（{length} 个字符；最多 {max} 个）。', p),
};

const RESOLUTION_ZH: Record<ResolutionIssueCode, (p: Params) => string> = {
  'multi-token': (p) => fill('“{word}”对这个模型是 {n} 个词元（{pieces}）；会用 {n} 个掩码来打分。', p),
  'unknown-token': (p) => fill('“{word}”包含这个模型不认识的词元（{pieces}）；它不参与打分。请换一个词。', p),
  'empty-tokenization': (p) => fill('“{word}”对这个模型分不出任何词元；它不参与打分。', p),
  'same-tokens': (p) =>
    Number(p.sameLabel)
      ? fill('“{word}”和“{other}”对这个模型是相同的词元，所以“{label}”把这个词算了两次。', p)
      : fill('“{word}”（{label}）和“{other}”（{otherLabel}）对这个模型是相同的词元，因此无法区分这两个标签。', p),
};

const SCORING_ZH: Record<ScoringWarningCode, (p: Params) => string> = {
  'no-usable-words': (p) => fill('“{label}”没有这个模型能打分的词；它的概率为 0。', p),
  'uniform-fallback': () => '没有任何标签得到概率，所以所有标签显示为同样可能。',
  approximated: () => '多词元的词只按第一个子词元打分（近似）。',
  truncated: (p) => fill('输入对模型来说太长，已从末尾截掉 {n} 个词元。', p),
  'invalid-score': (p) => fill('模型返回了 {n} 个无效分数（NaN 或负数）；已按 0 处理。', p),
  'no-mask-content-free': () => '校准只用了 "N/A" 和 "" 作为无内容输入（没有提供掩码标记）。',
};

const TYPE_ZH: Record<string, string> = {
  object: '对象',
  string: '字符串',
  array: '列表',
  number: '数字',
  boolean: '布尔值',
  record: '对象',
};

const SETUP_ZH: Record<string, (p: Params) => string> = {
  'not-object': () => 'ClozeLab 设置必须是一个 JSON 对象。',
  'version-missing': (p) => fill('缺少 "version"（本 ClozeLab 读取版本 {current}）。', p),
  'version-newer': (p) =>
    fill('这个设置来自更新的 ClozeLab（版本 {version}）；本版本只能读取版本 {current}。请更新。', p),
  'version-unknown': (p) => fill('未知的设置版本 {version}。', p),
  'too-many': (p) => fill('条目太多（{count} 个；最多 {max} 个）。', p),
  'slots-per-row': (p) => fill('每行最多 {max} 个输入。', p),
  'json-too-large': (p) => fill('设置太大（{length} 个字符；最多 {max} 个）。', p),
  'json-invalid': (p) => fill('不是有效的 JSON：{detail}', p),
  'not-text': () => '需要 JSON 文本。',
  'model-id': () =>
    '模型 ID 必须形如 "owner/name"（例如 "Xenova/bert-base-uncased"）：只能包含字母、数字、"-"、"_"、"."，不能是网址或路径。',
  'label-blank': () => '标签名不能只有空格。',
  'label-newline': () => '标签名不能包含换行。',
  'word-newline': () => '标签词不能包含换行。',
  'duplicate-label': (p) => fill('标签“{label}”出现了两次。', p),
  'duplicate-word': (p) => fill('词“{word}”在“{label}”下出现了两次。', p),
  'duplicate-template-id': (p) => fill('有两个模板的 id 都是“{id}”。', p),
  'active-template': (p) => fill('activeTemplateId“{id}”不是任何模板的 id。', p),
  'inputs-too-long': (p) => fill('示例输入合计太长（{length} 个字符；最多 {max} 个）。', p),
  'slot-key': (p) => fill('“{key}”不是槽位名；输入的键是 X，或 X1、X2……', p),
  'zod.invalid_type': (p) => `类型不对：应为${TYPE_ZH[String(p.expected)] ?? String(p.expected ?? '')}。`,
  'zod.too_small': (p) =>
    p.origin === 'string'
      ? Number(p.minimum) <= 1
        ? '不能为空。'
        : fill('至少需要 {minimum} 个字符。', p)
      : fill('至少需要 {minimum} 项。', p),
  'zod.too_big': (p) => (p.origin === 'string' ? fill('最多 {maximum} 个字符。', p) : fill('最多 {maximum} 项。', p)),
  'zod.invalid_value': (p) => fill('取值无效：应为 {values} 之一。', p),
  'zod.invalid_format': () => '格式不对：只能包含字母、数字、"-" 和 "_"。',
  'zod.unrecognized_keys': () => '有无法识别的键。',
};

const LINK_ZH: Record<LinkErrorCode, (p: Params) => string> = {
  'not-a-link': () => '这不是 ClozeLab 设置链接。',
  empty: () => '链接里没有设置（"#s=" 后面是空的）。',
  malformed: (p) =>
    p.reason === 'char'
      ? fill('链接已损坏：包含 ClozeLab 链接中不会出现的字符 "{char}"。', p)
      : p.reason === 'checksum-field'
        ? '链接已损坏：校验和字段缺失，或不是 8 位十六进制数。'
        : p.reason === 'percent'
          ? '链接已损坏：含有无效的 % 转义。'
          : '链接已损坏：缺少链接格式版本（应以 "#s=<数字>." 开头）。',
  'unknown-version': (p) => fill('未知的链接格式 {version}。', p),
  'newer-version': (p) =>
    fill('这个链接来自更新的 ClozeLab（链接格式 {version}）；本版本最多读取格式 {current}。请更新 ClozeLab。', p),
  'too-large': (p) =>
    fill('链接内容太大（{length} 个字符；最多 {max} 个）。请改用 JSON 文件分享，或删掉一些示例输入。', p),
  damaged: () => '链接已损坏或不完整：内容无法解压。请重新获取链接，或完整复制。',
  checksum: () => '链接在传递过程中被截断或改动：校验和与内容不符。请重新获取链接，或完整复制。',
  'not-json': () => '链接已损坏或不完整：里面不是 ClozeLab 设置。',
  'invalid-setup': () => '链接中的设置无效。',
};

const FORMAT_ZH: Record<string, (p: Params) => string> = {
  empty: () => '内容是空的。',
  'too-many-templates': (p) => fill('最多 {max} 个模板。', p),
  'template-skipped': (p) => fill('模板“{template}”有错误，没有导出。', p),
  'model-not-exported': (p) => fill('模型（{model}）不在导出的文件里；请在你自己的代码中加载它。', p),
  'inputs-not-exported': (p) => fill('{n} 个示例输入不属于模板；如需保留，请导出 JSON 设置文件。', p),
  'mask-at-start': () =>
    '原工具在提示开头也按带前导空格的形式（" great"）读取标签词；ClozeLab 按 [Z] 所在位置的形式读取（开头没有空格）。BERT 类模型没有差别。',
  'no-calibration': () => '上下文校准不属于该格式，没有导出。',
  'calibration-off': () => '已关闭校准：LM-BFF 不做校准。',
  'mapping-syntax': (p) => fill('映射不是 Python 字典：{detail}', p),
  'mapping-shape': () => "映射必须是字典，例如 {'0':'terrible','1':'great'}。",
  'mapping-word': (p) => fill('“{label}”的词必须是非空字符串。', p),
  'mapping-duplicate': (p) => fill('“{label}”出现了两次。', p),
  'mapping-empty': () => '没有任何标签。',
  'lmbff-cls': () => '模板中间的 *cls* 被去掉了：ClozeLab 会加上模型自己的开始标记。',
  'lmbff-sep': (p) => fill('模板中间的 *{part}* 在 ClozeLab 里没有对应（两段会连在一起），用一个空格代替。', p),
  'lmbff-alias': (p) => fill('“*{part}*”按 *sent-_* 读取（LM-BFF 代码里写作 sent-_，否则会当作普通文本）。', p),
  'lmbff-input-index': (p) => fill('*{part}* 指向的输入超出 ClozeLab 模板的上限（99 个），已去掉。', p),
  'lmbff-upper': (p) => fill('*{part}* 会把首字母大写；ClozeLab 没有这个修饰符，输入按原样使用。', p),
  'lmbff-nopunct': (p) =>
    fill(
      '*{part}* 删除输入的最后一个字符；ClozeLab 的 [X|nopunct] 删除的是句末标点（对以一个标点结尾的句子两者相同）。',
      p,
    ),
  'lmbff-demonstration': (p) =>
    fill('*{part}* 属于 LM-BFF 的示范（demonstration），ClozeLab 没有这个功能，已去掉。', p),
  'lmbff-unknown-variable': (p) => fill('“{part}”不是 LM-BFF 认识的变量，所以按文本保留（与 LM-BFF 相同）。', p),
  'lmbff-mask-space': () =>
    '[Z] 紧跟在文字后面，中间没有空格；LM-BFF 的标签词总带前导空格，所以再导入时会变成“… [Z]”。',
  'lmbff-asterisk': () => 'LM-BFF 模板不能包含“*”（它用来分隔变量），已去掉。',
  'lmbff-underscore': () => 'LM-BFF 把“_”当作空格；模板中的“_”无法写出，会变成空格。',
  'lmbff-reserved-text': (p) => fill('文本“{text}”会被当作 LM-BFF 变量读取。', p),
  'lmbff-space-token': () => 'LM-BFF 没有这个变量的“+”形式；它前面的空格写成“_”，对 BPE 模型来说会成为一个单独的词元。',
  'lmbff-one-word': (p) => fill('LM-BFF 每个标签只用一个词：“{label}”保留“{kept}”；{dropped} 无法导出。', p),
  'lmbff-multiword': (p) => fill('“{word}”包含多个单词；LM-BFF 要求每个标签词是一个词元。', p),
  'lmbff-label-ids': () =>
    "LM-BFF 用数据集的标签 id（例如 '0'、'1' 或 'entailment'）作为映射的键；请把标签改名为你的数据集的 id。",
  'openprompt-newline': () => 'OpenPrompt 模板文件每行一个模板；换行已改为空格。',
  'openprompt-spaces': () =>
    'OpenPrompt 用单个空格连接模板的各个部分；连续的空格和制表符会变成一个空格，开头和结尾的空格会被去掉。',
  'openprompt-brace': () => '字面的“{”写成 {"text": "{"}（OpenPrompt 的普通文本里不能出现“{”）。',
  'openprompt-meta': (p) =>
    fill(
      '[{slot}] 在 OpenPrompt 中没有占位符（只有 text_a 和 text_b）；写成 {"meta":"{slot}"}，所以你的 InputExample 需要 meta["{slot}"]。',
      p,
    ),
  'openprompt-unclosed': (p) => fill('第 {column} 个字符处的“{”没有用“}”闭合。', p),
  'openprompt-block': (p) => fill('第 {column} 个字符处的块不是 Python 字典或集合：{detail}', p),
  'openprompt-unknown-key': (p) => fill('模板块中的“{key}”在 ClozeLab 里没有含义，已忽略。', p),
  'openprompt-post-processing': (p) =>
    fill('post_processing“{code}”无法在 ClozeLab 中表达（只支持 [X|lower] 和 [X|nopunct]）；输入按原样使用。', p),
  'openprompt-shortenable': () => '提示太长时，ClozeLab 总是只截短输入；"shortenable": False 已忽略。',
  'openprompt-placeholder': (p) => fill('占位符 {placeholder} 不是 text_a 或 text_b，已去掉。', p),
  'openprompt-meta-input': (p) => fill('{"meta":"{name}"} 变成输入 [{slot}]。', p),
  'openprompt-soft': (p) => fill('由“{text}”初始化的软提示词元变成了普通文本：ClozeLab 没有可训练的提示。', p),
  'openprompt-soft-dropped': () => '{"soft"} 词元（可训练的提示向量）没有文本，已去掉。',
  'openprompt-special': (p) => fill('特殊标记 {token} 已去掉：ClozeLab 会加上模型自己的特殊标记。', p),
  'openprompt-empty-block': () => '空的模板块已去掉。',
  'openprompt-no-prefix': (p) => fill('“{label}”的词上的“<!>”（不加前导空格）已去掉：ClozeLab 根据模板决定空格。', p),
  'openprompt-aggregation': (p) =>
    fill(
      'ManualVerbalizer 对标签词的对数概率取平均，相当于 ClozeLab 的“logit 平均（PET）”；本设置的“{aggregation}”聚合方式无法写出。',
      p,
    ),
  'openprompt-multitoken': () =>
    'OpenPrompt 在同一个掩码位置读取一个词的所有子词元（multi_token_handler 为 "first"、"max" 或 "mean"）；ClozeLab 的“每个子词元一个掩码”无法写出，导出为 "first"。',
  'openprompt-scoring-set': () =>
    '打分方式已设为 ManualVerbalizer 的默认值：“logit 平均（PET）”、只用第一个子词元、不校准。',
  'label-words-shape': (p) => fill('“{label}”的词必须是字符串或字符串列表。', p),
  'label-words-syntax': (p) => fill('标签词不是 Python/JSON 字面量：{detail}', p),
  'classes-needed': (p) => fill('列表形式的标签词还需要类别名，每项一个（这里有 {n} 项）。', p),
  'classes-syntax': () => '类别必须是名称列表，例如 ["negative", "positive"]。',
};

// Runtime failure codes (src/runtime/errors.ts RuntimeErrorCode; the UI reads them through the store).
const RUNTIME_ZH: Record<string, string> = {
  'hub-unreachable': '无法连接 Hugging Face Hub。',
  'file-missing': '模型缺少需要的文件。',
  'not-masked-lm': '这不是掩码语言模型（fill-mask），无法在 [Z] 处打分。',
  'corrupt-model': '模型文件已损坏或无法读取。',
  'out-of-memory': '内存不足，无法运行这个模型。',
  'webgpu-unavailable': 'WebGPU 不可用。',
  'invalid-input': '输入无效。',
  'not-loaded': '模型还没有加载。',
  'worker-crashed': '模型工作线程意外停止。',
  'worker-restarted': '模型工作线程已重启。',
  unknown: '发生了未知错误。',
};

function translate(
  table: Partial<Record<string, (p: Params) => string>>,
  code: string,
  params: Params | undefined,
  english: string,
): string {
  const fn = table[code];
  return fn ? fn(params ?? {}) : english;
}

export interface IssueText {
  template(issue: TemplateIssue): string;
  verbalizer(issue: VerbalizerIssue): string;
  resolution(issue: ResolutionIssue): string;
  scoring(warning: ScoringWarning): string;
  /** "path: message" for schema errors. */
  setup(error: SetupError): string;
  link(error: LinkError): string;
  format(warning: FormatWarning): string;
  /** A runtime failure: a translated summary, and the engine's English text as detail (null in English). */
  runtime(failure: { code: string; message: string }): { summary: string; detail: string | null };
}

export function issueText(locale: Locale): IssueText {
  const zh = locale === 'zh';
  return {
    template: (issue) => (zh ? translate(TEMPLATE_ZH, issue.code, issue.params, issue.message) : issue.message),
    verbalizer: (issue) => {
      if (!zh) return issue.message;
      const body = translate(VERBALIZER_ZH, issue.code, issue.params, issue.message);
      if (body === issue.message) return body;
      return Number(issue.params?.whole) ? body : `第 ${issue.line} 行第 ${issue.column} 列：${body}`;
    },
    resolution: (issue) =>
      zh
        ? translate(RESOLUTION_ZH, issue.code, { ...issue.params, word: issue.word, label: issue.label }, issue.message)
        : issue.message,
    scoring: (w) => (zh ? translate(SCORING_ZH, w.code, { ...w.params, label: w.label }, w.message) : w.message),
    setup: (e) => `${e.path}: ${zh && e.code ? translate(SETUP_ZH, e.code, e.params, e.message) : e.message}`,
    link: (e) => (zh ? translate(LINK_ZH, e.code, e.params, e.message) : e.message),
    format: (w) => {
      if (!zh) return w.message;
      if (w.code.startsWith('template-'))
        return translate(TEMPLATE_ZH, w.code.slice('template-'.length), w.params, w.message);
      return translate(FORMAT_ZH, w.code, w.params, w.message);
    },
    runtime: (f) => {
      const summary = zh ? RUNTIME_ZH[f.code] : undefined;
      return summary ? { summary, detail: f.message } : { summary: f.message, detail: null };
    },
  };
}

/** The translator for the current UI language. */
export function useIssueText(): IssueText {
  const locale = usePrefs((s) => s.locale);
  return issueText(locale);
}

/** For tests: the codes that have Chinese messages. */
export const ZH_CODES = {
  template: Object.keys(TEMPLATE_ZH),
  verbalizer: Object.keys(VERBALIZER_ZH),
  resolution: Object.keys(RESOLUTION_ZH),
  scoring: Object.keys(SCORING_ZH),
  setup: Object.keys(SETUP_ZH),
  link: Object.keys(LINK_ZH),
  format: Object.keys(FORMAT_ZH),
  runtime: Object.keys(RUNTIME_ZH),
};
