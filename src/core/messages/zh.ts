// Chinese texts of every issue code (src/core/issues.ts).
import { percent, type IssueCatalog } from './catalog.ts';

/** "第 12 个字符" in a one-line template, "第 2 行第 5 个字符" otherwise. */
const at = (p: { line: number; column: number; multiline: 0 | 1 }) =>
  p.multiline ? `第 ${p.line} 行第 ${p.column} 个字符` : `第 ${p.column} 个字符`;

/** A verbalizer issue at a place in the text. */
const onLine = (p: { line: number; column: number }, text: string) => `第 ${p.line} 行第 ${p.column} 列：${text}`;

/** A data row problem: "第 3 行：…", "第 3–5 行：…". */
const NOT_TEXT_KINDS = {
  number: '数字',
  boolean: '布尔值',
  null: 'null',
  object: 'JSON 对象',
  array: 'JSON 数组',
} as const;

const onRow = (p: { line: number; endLine: number }, text: string) =>
  `${p.endLine > p.line ? `第 ${p.line}–${p.endLine} 行` : `第 ${p.line} 行`}：${text}`;

const thousands = (n: number) => n.toLocaleString('zh-CN');

const SLOT_HELP = '输入用 [X]（或 [X1]、[X2]……），答案用 [Z]。';

const TYPES: Record<string, string> = {
  object: '对象',
  record: '对象',
  string: '字符串',
  array: '列表',
  number: '数字',
  boolean: '布尔值',
};

/** Where a model file comes from (runtime errors' `where`). */
type Where = 'hub' | 'app' | 'folder' | 'disk' | '';
const IN: Record<Where, string> = {
  hub: 'Hugging Face Hub 上',
  app: '本应用服务器上',
  folder: '你打开的文件夹中',
  disk: '模型文件夹中',
  '': '',
};
/** "Hub 上的 onnx/model.onnx", "模型文件" when the file is unknown. */
const fileIn = (p: { file: string; where: Where }) =>
  p.file ? `${IN[p.where]}${IN[p.where] ? '的 ' : ''}${p.file} ` : `${IN[p.where]}${IN[p.where] ? '的' : ''}模型文件`;
const MISSING_FIX: Record<Where, string> = {
  hub: '请检查模型 ID，以及该模型是否有这种精度的 Transformers.js ONNX 权重。',
  app: '需要由运行本应用的人把它加入模型文件夹（npm run models:download）。',
  folder: '请把它加入文件夹，然后重新打开文件夹。',
  disk: '请把它加入模型文件夹（npm run models:download），或换一种精度。',
  '': '请重新创建或重新下载模型文件夹。',
};
const DAMAGED_FIX: Record<Where, string> = {
  hub: '在应用中它已从浏览器缓存中删除，再次加载会重新下载；在命令行中，请先从 Transformers.js 的缓存文件夹中删除该模型。如果仍然损坏，说明 Hub 上的文件有问题。',
  app: '需要由运行本应用的人替换它（npm run models:download -- --verify <id> 可找出损坏的文件）。',
  folder: '请换成完好的副本，然后重新打开文件夹。',
  disk: '请换成完好的副本（npm run models:download -- --verify <id> 可找出损坏的文件）。',
  '': '请换成完好的副本。',
};
const INCOMPLETE_FIX: Record<Where, string> = {
  hub: '请在网络稳定时再次加载。',
  app: '请再次加载；如果反复出现，请检查本应用的服务器。',
  folder: '请重新打开文件夹。',
  disk: '请再次加载。',
  '': '请再次加载。',
};

export const zh: IssueCatalog = {
  // 模板
  'empty-template': '模板是空的。请写一句话，用 [X] 表示输入，用 [Z] 表示答案，例如“[X] 总之，很[Z]。”',
  'missing-mask': '模板里没有答案槽位。请在模型要填答案的地方加上 [Z]，例如“[X] 总之，很[Z]。”',
  'duplicate-mask': (p) => `[Z] 出现了不止一次：第二个在${at(p)}。一个模板只能有一个答案槽位。`,
  'unknown-slot': (p) => {
    switch (p.advice) {
      case 'mask':
        return `${at(p)}的 [${p.name}] 不是槽位。请在模型要填答案的地方写 [Z]，ClozeLab 会在那里放入模型自己的掩码词元。`;
      case 'case':
        return `${at(p)}的槽位 [${p.name}] 无法识别。槽位名要大写：写成 [${p.name.toUpperCase()}]。`;
      case 'zero':
        return `${at(p)}的槽位 [${p.name}] 无法识别。输入从 1 开始编号，不带前导零：[X1]、[X2]……`;
      case 'other':
        return `${at(p)}的槽位 [${p.name}] 无法识别。${SLOT_HELP}要写字面的方括号，请输入 \\[ 或 \\]。`;
    }
  },
  'empty-slot': (p) => `${at(p)}有空的方括号“[]”。${SLOT_HELP}要写字面的方括号，请输入 \\[\\]。`,
  'unclosed-bracket': (p) => `${at(p)}的“[”没有闭合。请用“]”闭合槽位（例如 [X]），或输入 \\[ 表示字面的方括号。`,
  'stray-bracket': (p) => `${at(p)}有多余的“]”，没有对应的“[”。要写字面的方括号，请输入 \\]。`,
  'unknown-modifier': (p) =>
    p.modifier === ''
      ? `${at(p)}的 [${p.slot}…] 中“|”后面的修饰符是空的。可用的修饰符：lower、nopunct。`
      : `${at(p)}的 [${p.slot}…] 中有未知的修饰符“${p.modifier}”。${p.suggestion ? `修饰符要小写：“${p.suggestion}”。` : ''}可用的修饰符：lower（首字母小写）、nopunct（去掉句末标点）。`,
  'mask-modifier': (p) => `${at(p)}的答案槽位 [Z] 不接受修饰符，只写 [Z] 即可。`,
  'mixed-inputs': (p) =>
    `${at(p)}的 [${p.slot}] 与前面用过的 [${p.other}] 混用了，分不清哪个输入是哪个。请只用一个输入 [X]，或者只用编号输入 [X1]、[X2]……`,
  'slot-number-too-high': (p) => `${at(p)}的 [${p.slot}] 超出了输入槽位的范围：编号输入只能从 [X1] 到 [X${p.max}]。`,
  'too-many-slots': (p) => `${at(p)}的 [${p.slot}] 多了一个输入槽位：一个模板最多只能用 ${p.max} 个不同的输入。`,
  'demo-slot-unknown': (p) =>
    `${at(p)}的 [${p.slot}] 不是查询模板的输入（${p.slots || '无'}）：示范只能用它的样例有的输入。`,
  'no-input-slot': '模板里没有输入槽位 [X]，所以每个例子得到的提示和预测都一样。',
  'slot-gap': (p) => `模板用了 [${p.slot}]，却没有用 ${p.missing}；这些输入会被忽略。是不是想连续编号？`,
  'duplicate-modifier': (p) => `${at(p)}的 [${p.slot}…] 中修饰符“${p.modifier}”出现了两次；一次就够了。`,
  'literal-mask-token': (p) =>
    `${at(p)}的“${p.literal}”在这里是普通文本，但模型的分词器可能把它当成真正的掩码词元。答案槽位请用 [Z]，或者换个写法。`,

  // 标签词映射
  'empty-verbalizer': '还没有标签。每行写一个标签，例如“正面: 好, 棒”和“负面: 差, 坏”。',
  'missing-colon': (p) => onLine(p, `“${p.text}”没有“:”。请写标签、冒号，然后是它的词，例如“正面: 好, 棒”。`),
  'empty-label': (p) => onLine(p, '“:”前面的标签名是空的。请写成例如“正面: 好, 棒”。'),
  'duplicate-label': (p) => onLine(p, `标签“${p.label}”定义了两次。请把它的词都写在同一行。`),
  'no-words': (p) => onLine(p, `标签“${p.label}”没有词。请在“:”后面至少列出一个词，例如“${p.label || '正面'}: 好”。`),
  'duplicate-word': (p) => onLine(p, `“${p.word}”在“${p.label}”下出现了两次。请删掉一个。`),
  'shared-word': (p) => onLine(p, `“${p.word}”也是“${p.other}”的词；它给两个标签加上同样的分数。`),
  'single-label': (p) => `只有一个标签（“${p.label}”）：它总会被预测出来。请至少再加一个标签。`,
  'empty-word': (p) => onLine(p, p.quoted ? '空的带引号的词 ""（已忽略）。' : '逗号之间的词是空的（已忽略）。'),
  'unclosed-quote': (p) => onLine(p, '这个引号没有闭合。请在同一行用 " 闭合。'),
  'unexpected-text': (p) => {
    switch (p.kind) {
      case 'after-quote':
        return onLine(p, '右引号后面有多余的文字。词之间用逗号分隔。');
      case 'after-quote-label':
        return onLine(p, '右引号后面有多余的文字。词之间用逗号分隔，标签以“:”结尾。');
      case 'quote':
        return onLine(p, '词里面有引号。请把整个词放在引号里（"…"），词中的引号写成 \\"。');
      case 'colon':
        return onLine(p, '这一行有第二个“:”。只有标签以“:”结尾；含“:”的词请放在引号里。');
    }
  },
  'verbalizer-too-large': (p) => `标签词映射太长（${p.length} 个字符；最多 ${p.max} 个）。`,
  'too-many-labels': (p) => onLine(p, `标签太多：最多 ${p.max} 个。“${p.label}”及其后的标签超出了上限。`),
  'line-break': (p) => onLine(p, `“${p.text}”含有换行（\\n 或 \\r）。标签和词只能占一行；请删掉它或改用空格。`),
  'label-too-long': (p) => onLine(p, `标签“${p.label}”太长（${p.length} 个字符；最多 ${p.max} 个）。`),
  'too-many-words': (p) => onLine(p, `“${p.label}”的词太多：最多 ${p.max} 个。`),
  'word-too-long': (p) => onLine(p, `词“${p.word}”太长（${p.length} 个字符；最多 ${p.max} 个）。`),

  // 标签词与模型的分词器
  'multi-token': (p) => `“${p.word}”对这个模型是 ${p.n} 个词元（${p.pieces}）；会用 ${p.n} 个掩码来打分。`,
  'unknown-token': (p) => `“${p.word}”包含这个模型不认识的词元（${p.pieces}）；它不参与打分。请换一个词。`,
  'empty-tokenization': (p) => `“${p.word}”对这个模型分不出任何词元；它不参与打分。`,
  'same-tokens': (p) =>
    p.sameLabel
      ? `“${p.word}”和“${p.other}”对这个模型是相同的词元，所以“${p.label}”把这个词算了两次。`
      : `“${p.word}”（${p.label}）和“${p.other}”（${p.otherLabel}）对这个模型是相同的词元，因此无法区分这两个标签。`,

  // 打分
  'no-usable-words': (p) => `“${p.label}”没有这个模型能打分的词；它的概率为 0。`,
  'uniform-fallback': '没有任何标签得到概率，所以所有标签显示为同样可能。',
  approximated: '多词元的词只按第一个子词元打分（近似）。',
  truncated: (p) => `输入对模型来说太长，已从末尾截掉 ${p.n} 个词元。`,
  'invalid-score': (p) => `模型返回了 ${p.n} 个无效分数（NaN 或负数）；已按 0 处理。`,
  'no-mask-content-free': '校准只用了 "N/A" 和 "" 作为无内容输入（没有提供掩码词元）。',

  // 设置（显示在出错的值的路径之后）
  'not-object': 'ClozeLab 设置必须是一个 JSON 对象。',
  'not-text': '需要 JSON 文本。',
  'file-too-large': (p) => `文件太大（${p.bytes} 字节）。`,
  'json-too-large': (p) => `设置太大（${p.length} 个字符；最多 ${p.max} 个）。`,
  'json-invalid': (p) => `不是有效的 JSON：${p.detail}`,
  'version-missing': (p) => `缺少 "version"（本 ClozeLab 读取版本 ${p.current}）。`,
  'version-newer': (p) => `这个设置来自更新的 ClozeLab（版本 ${p.version}）；本版本只能读取版本 ${p.current}。请更新。`,
  'version-unknown': (p) => `未知的设置版本 ${p.version}。`,
  'too-many': (p) => `条目太多（${p.count} 个；最多 ${p.max} 个）。`,
  'slots-per-row': (p) => `每行最多 ${p.max} 个输入。`,
  'model-id':
    '模型 ID 必须形如 "owner/name"（例如 "Xenova/bert-base-uncased"）：只能包含字母、数字、"-"、"_"、"."，不能是网址或路径。',
  'template-id-format': '模板 id 只能包含字母、数字、"-" 和 "_"。',
  'template-name-too-long': (p) => `模板名最多 ${p.max} 个字符。`,
  'template-too-long': (p) => `模板最多 ${p.max} 个字符。`,
  'demo-template-too-long': (p) => `示范模板最多 ${p.max} 个字符。`,
  'no-templates': '设置至少需要一个模板。',
  'too-many-templates': (p) => `最多 ${p.max} 个模板。`,
  'duplicate-template-id': (p) => `有两个模板的 id 都是“${p.id}”。`,
  'active-template': (p) => `activeTemplateId“${p.id}”不是任何模板的 id。`,
  'no-labels': '标签词映射至少需要一个标签。',
  'label-empty': '标签名不能为空。',
  'label-blank': '标签名不能只有空格。',
  'label-newline': '标签名不能包含换行。',
  'label-without-words': '每个标签至少需要一个词。',
  'word-empty': '标签词不能为空。',
  'word-newline': '标签词不能包含换行。',
  'setup-duplicate-label': (p) => `标签“${p.label}”出现了两次。`,
  'setup-duplicate-word': (p) => `词“${p.word}”在“${p.label}”下出现了两次。`,
  'too-many-inputs': (p) => `最多 ${p.max} 个示例输入。`,
  'inputs-too-long': (p) => `示例输入合计太长（${p.length} 个字符；最多 ${p.max} 个）。`,
  'slot-key': (p) => `“${p.key}”不是槽位名；输入的键是 X，或 X1、X2……`,
  'variant-name-empty': '标签词映射变体需要一个名字。',
  'variant-name-too-long': (p) => `变体名最多 ${p.max} 个字符。`,
  'variant-name-invalid': '变体名不能只有空格，也不能包含换行。',
  'variant-name-reserved': (p) => `“${p.name}”是主标签词映射的名字；请给变体另取一个名字。`,
  'duplicate-variant-name': (p) => `有两个标签词映射变体都叫“${p.name}”。`,
  'variant-label-missing': (p) => `变体“${p.variant}”没有标签“${p.label}”的词；变体必须和标签词映射有相同的标签。`,
  'variant-label-unknown': (p) =>
    `变体“${p.variant}”有标签“${p.label}”，但标签词映射里没有这个标签；变体必须和标签词映射有相同的标签。`,
  'variant-words-too-many': (p) => `所有变体合计有 ${p.count} 个词；最多 ${p.max} 个。`,
  'too-many-variants': (p) => `最多 ${p.max} 个标签词映射变体。`,
  'grid-axis-empty': '网格的每个维度至少需要一项。',
  'grid-template': (p) => `网格用到了模板“${p.id}”，但设置里没有这个模板。`,
  'grid-verbalizer': (p) => `网格用到了标签词映射变体“${p.name}”，但设置里没有这个变体。`,
  'grid-compare-model': '网格用到了第二个模型，但设置里没有第二个模型。',
  'grid-duplicate': (p) => `网格里“${p.value}”出现了两次。`,
  'wrong-type': (p) => `类型不对：应为${TYPES[p.expected] ?? p.expected}。`,
  'too-small': (p) =>
    p.origin === 'string'
      ? p.minimum <= 1
        ? '不能为空。'
        : `至少需要 ${p.minimum} 个字符。`
      : `至少需要 ${p.minimum} 项。`,
  'too-big': (p) => (p.origin === 'string' ? `最多 ${p.maximum} 个字符。` : `最多 ${p.maximum} 项。`),
  'invalid-option': (p) => `取值无效：应为 ${p.values} 之一。`,
  'invalid-value': '取值无效。',

  // 分享链接
  'not-a-link': '这不是 ClozeLab 设置链接。',
  'link-empty': (p) => (p.afterVersion ? '链接里没有设置。' : '链接里没有设置（"#s=" 后面是空的）。'),
  'link-no-version': '链接已损坏：缺少链接格式版本（应以 "#s=<数字>." 开头）。',
  'link-bad-escape': '链接已损坏：含有无效的 % 转义。',
  'link-bad-checksum-field': '链接已损坏：校验和字段缺失，或不是 8 位十六进制数。',
  'link-bad-character': (p) => `链接已损坏：包含 ClozeLab 链接中不会出现的字符 ${JSON.stringify(p.char)}。`,
  'unknown-version': (p) => `未知的链接格式 ${p.version}。`,
  'newer-version': (p) =>
    `这个链接来自更新的 ClozeLab（链接格式 ${p.version}）；本版本最多读取格式 ${p.current}。请更新 ClozeLab。`,
  'link-too-long': (p) => `链接太长（${p.length} 个字符；最多 ${p.max} 个）。`,
  'link-too-much-data': (p) => `链接解压后的数据太多（${p.length} 个字符；最多 ${p.max} 个）。`,
  damaged: '链接已损坏或不完整：内容无法解压。请重新获取链接，或完整复制。',
  checksum: '链接在传递过程中被截断或改动：校验和与内容不符。请重新获取链接，或完整复制。',
  'not-json': '链接已损坏或不完整：里面不是 ClozeLab 设置。',
  'invalid-setup': '链接中的设置无效。',
  'setup-not-shareable': '这个设置无效，所以无法分享。',
  'setup-too-large-for-link': (p) =>
    `这个设置对链接来说太大（压缩后 ${p.length} 个字符；最多 ${p.max} 个）。请改用 JSON 文件分享，或删掉一些示例输入。`,

  // 导入/导出 LM-BFF 和 OpenPrompt
  'template-skipped': (p) => `模板“${p.template}”有错误，没有导出。`,
  'model-not-exported': (p) => `模型（${p.model}）不在导出的文件里；请在你自己的代码中加载它。`,
  'mapping-over-limit': (p) =>
    ({
      labels: `标签词涉及的标签超过 ${p.max} 个；一个标签词映射最多 ${p.max} 个标签。`,
      label: `标签“${p.label}”超过 ${p.max} 个字符。`,
      words: `标签“${p.label}”的标签词超过 ${p.max} 个；每个标签最多 ${p.max} 个。`,
      word: `标签“${p.label}”的某个标签词超过 ${p.max} 个字符。`,
    })[p.what],
  'import-too-long': (p) =>
    `${{ templates: '这些模板', template: '这个模板', mapping: '标签词映射' }[p.what]}太长，无法导入（${thousands(p.length)} 个字符；最多 ${thousands(p.max)} 个）。`,
  'inputs-not-exported': (p) => `${p.n} 个示例输入不属于 ${p.tool} 模板；如需保留，请导出 JSON 设置文件。`,
  'mask-at-start': (p) =>
    `${p.tool} 在提示开头也按带前导空格的形式（" great"）读取标签词；ClozeLab 按 [Z] 所在位置的形式读取（开头没有空格）。BERT 类模型没有差别。`,
  'calibration-off': '已关闭校准：LM-BFF 不做校准。',
  'lmbff-template-empty': 'LM-BFF 模板是空的。',
  'lmbff-no-templates': '请至少粘贴一个 LM-BFF 模板。',
  'lmbff-no-calibration': '校准不属于 LM-BFF 基于提示的预测，没有导出。',
  'mapping-syntax': (p) => `映射不是 Python 字典：${p.detail}`,
  'mapping-shape': "映射必须是字典，例如 {'0':'terrible','1':'great'}。",
  'mapping-word': (p) => `“${p.label}”的词必须是非空字符串。`,
  'mapping-duplicate': (p) => `“${p.label}”在映射中出现了两次。`,
  'mapping-empty': '映射里没有任何标签。',
  'lmbff-cls': '模板中间的 *cls* 被去掉了：ClozeLab 会加上模型自己的开始词元。',
  'lmbff-sep': (p) => `模板中间的 *${p.part}* 在 ClozeLab 里没有对应（两段会连在一起），用一个空格代替。`,
  'lmbff-alias': (p) => `“*${p.part}*”按 *${p.alias}* 读取（LM-BFF 代码里写作 sent-_，否则会当作普通文本）。`,
  'lmbff-input-index': (p) => `*${p.part}* 指向第 ${p.input} 个输入，超出 ClozeLab 模板的上限（${p.max} 个），已去掉。`,
  'lmbff-upper': (p) => `*${p.part}* 会把首字母大写；ClozeLab 没有这个修饰符，输入按原样使用。`,
  'lmbff-nopunct': (p) =>
    `*${p.part}* 删除输入的最后一个字符；ClozeLab 的 [X|nopunct] 删除的是句末标点（对以一个标点结尾的句子两者相同）。`,
  'lmbff-nopunct-export': (p) =>
    `[${p.slot}|nopunct] 会变成 ${p.part}，它不管最后一个字符是什么都会删掉（ClozeLab 只删除句末标点）。`,
  'lmbff-demonstration': (p) =>
    `*${p.part}* 是示范的标签词，但它不在示范里（示范跟在查询的 *mask* 和一个 *sep+* 之后），已去掉。`,
  'lmbff-demonstrations': (p) =>
    `模板带有 ${p.n} 个示范：第一个示范的写法成为该模板的示范模板。示范在少样本视图中使用，每个标签一个，取自训练样例。`,
  'lmbff-demo-differs': (p) => `有 ${p.n} 个示范与第一个不同；ClozeLab 用第一个示范的写法写出每个示范。`,
  'lmbff-demo-extra': (p) => `最后一个示范之后的文本（从“${p.part}”开始）没有标签词，不是示范，已去掉。`,
  'lmbff-demo-mask': '示范里的 *mask* 被去掉了：示范显示的是它的标签词（*labelx_i*），提示里唯一的答案槽位属于查询。',
  'lmbff-demo-input': (p) =>
    p.last < p.first
      ? `示范里的 *${p.part}* 指向一个输入，但查询没有输入，已去掉。`
      : `*${p.part}* 不是这个示范的输入（LM-BFF 把它们编号为 *sent_${p.first}* 到 *sent_${p.last}*），已去掉。`,
  'lmbff-demo-invalid': '示范模板有错误，所以导出的模板不带示范。',
  'lmbff-demo-export': (p) =>
    `模板在查询之后写出了 ${p.n} 个示范（每个标签一个），与 LM-BFF 用 --use_demo 展开模板的方式相同：输入编号接在查询之后，*labelx_j* 是第 j 个示范的标签词。若用 LM-BFF 自己的 --use_demo，只需给它查询部分。`,
  'demo-not-exported': (p) => `${p.tool} 没有示范：示范模板没有导出。`,
  'lmbff-unknown-variable': (p) => `“${p.part}”不是 LM-BFF 认识的变量，所以按文本保留（与 LM-BFF 相同）。`,
  'lmbff-mask-space': '[Z] 紧跟在文字后面，中间没有空格；LM-BFF 的标签词总带前导空格，所以再导入时会变成“… [Z]”。',
  'lmbff-asterisk': 'LM-BFF 模板不能包含“*”（它用来分隔变量），已去掉。',
  'lmbff-underscore': 'LM-BFF 把“_”当作空格；模板中的“_”无法写出，会变成空格。',
  'lmbff-reserved-text': (p) => `文本“${p.text}”会被当作 LM-BFF 变量读取。`,
  'lmbff-space-token': (p) =>
    `LM-BFF 没有 ${p.variable} 的“+”形式；它前面的空格写成“_”，对 BPE 模型来说会成为一个单独的词元。`,
  'lmbff-one-word': (p) => `LM-BFF 每个标签只用一个词：“${p.label}”保留“${p.kept}”；${p.dropped} 无法导出。`,
  'lmbff-multiword': (p) => `“${p.word}”包含多个单词；LM-BFF 要求每个标签词是一个词元。`,
  'lmbff-label-ids':
    "LM-BFF 用数据集的标签 id（例如 '0'、'1' 或 'entailment'）作为映射的键；请把标签改名为你的数据集的 id。",
  'openprompt-template-empty': 'OpenPrompt 模板是空的。',
  'openprompt-no-templates': '请至少粘贴一个 ManualTemplate 文本。',
  'openprompt-no-calibration': '上下文校准不属于 ManualVerbalizer；请自己调用 openprompt.utils.calibrate。',
  'openprompt-newline': 'OpenPrompt 模板文件每行一个模板；换行已改为空格。',
  'openprompt-spaces':
    'OpenPrompt 用单个空格连接模板的各个部分；连续的空格和制表符会变成一个空格，开头和结尾的空格会被去掉。',
  'openprompt-brace': '字面的“{”写成 {"text": "{"}（OpenPrompt 的普通文本里不能出现“{”）。',
  'openprompt-meta': (p) =>
    `[${p.slot}] 在 OpenPrompt 中没有占位符（只有 text_a 和 text_b）；写成 {"meta":"${p.slot}"}，所以你的 InputExample 需要 meta["${p.slot}"]。`,
  'openprompt-unclosed': (p) => `第 ${p.column} 个字符处的“{”没有用“}”闭合。`,
  'openprompt-block': (p) => `第 ${p.column} 个字符处的块不是 Python 字典或集合${p.detail ? `：${p.detail}` : '。'}`,
  'openprompt-unknown-key': (p) => `模板块中的“${p.key}”在 ClozeLab 里没有含义，已忽略。`,
  'openprompt-post-processing': (p) =>
    `post_processing“${p.code}”无法在 ClozeLab 中表达（只支持 [X|lower] 和 [X|nopunct]）；输入按原样使用。`,
  'openprompt-shortenable': '提示太长时，ClozeLab 总是只截短输入；"shortenable": False 已忽略。',
  'openprompt-placeholder': (p) => `占位符 ${p.placeholder} 不是 text_a 或 text_b，已去掉。`,
  'openprompt-meta-unnamed': '没有名字的 "meta" 块已去掉。',
  'openprompt-meta-input': (p) => `{"meta":"${p.name}"} 变成输入 [${p.slot}]。`,
  'openprompt-soft': (p) => `由“${p.text}”初始化的软提示词元变成了普通文本：ClozeLab 没有可训练的提示。`,
  'openprompt-soft-dropped': '{"soft"} 词元（可训练的提示向量）没有文本，已去掉。',
  'openprompt-special': (p) => `特殊词元 ${p.token} 已去掉：ClozeLab 会加上模型自己的特殊词元。`,
  'openprompt-empty-block': '空的模板块已去掉。',
  'openprompt-no-prefix': (p) => `“${p.label}”的词上的“<!>”（不加前导空格）已去掉：ClozeLab 根据模板决定空格。`,
  'openprompt-aggregation': (p) =>
    `ManualVerbalizer 对标签词的对数概率取平均，相当于 ClozeLab 的“logit 平均（PET）”；本设置的“${p.aggregation}”聚合方式无法写出。`,
  'openprompt-multitoken':
    'OpenPrompt 在同一个掩码位置读取一个词的所有子词元（multi_token_handler 为 "first"、"max" 或 "mean"）；ClozeLab 的“每个子词元一个掩码”无法写出，导出为 "first"。',
  'openprompt-scoring-set': '打分方式已设为 ManualVerbalizer 的默认值：“logit 平均（PET）”、只用第一个子词元、不校准。',
  'label-words-missing': '请粘贴标签词。',
  'label-words-syntax': (p) => `标签词不是 Python/JSON 字面量：${p.detail}`,
  'label-words-container': '标签词必须是字典或列表。',
  'label-words-shape': (p) => `“${p.label}”的词必须是字符串或字符串列表。`,
  'label-words-duplicate': (p) => `“${p.label}”出现了两次。`,
  'label-words-no-words': (p) => `“${p.label}”没有词。`,
  'label-words-no-labels': '没有任何标签。',
  'classes-needed': (p) =>
    p.form === 'list'
      ? `列表形式的标签词还需要类别名，每项一个（这里有 ${p.n} 项）。`
      : `每个类别一行词：还需要给出 ${p.n} 个类别名。`,
  'classes-syntax': '类别必须是名称列表，例如 ["negative", "positive"]。',

  // 带标签的数据：文件为什么无法读取（接在“无法读取数据：”之后）
  'data-empty': '数据为空——需要一行表头和至少一行数据。',
  'data-no-json-lines': '数据为空——没有找到 JSON 行。',
  'data-no-columns': '没有哪一行是 JSON 对象，所以没有可选的列。',
  'data-too-large': (p) => `数据太大（${thousands(p.length)} 个字符；最多 ${thousands(p.max)} 个）。`,
  'data-unreadable': (p) => p.detail || '读取时出了问题。',

  // 带标签的数据：被跳过的行
  'column-count': (p) => onRow(p, `有 ${p.found} 个字段，但表头有 ${p.expected} 个`),
  'malformed-quotes': (p) => onRow(p, '带引号的字段没有正确闭合'),
  'invalid-json': (p) => onRow(p, `不是有效的 JSON（${p.detail}）`),
  'not-an-object': (p) => onRow(p, '不是 JSON 对象'),
  'missing-text': (p) => onRow(p, `列“${p.column}”为空`),
  'missing-label': (p) => onRow(p, `列“${p.column}”中没有标签`),
  'non-string-value': (p) =>
    onRow(
      p,
      `列“${p.column}”中的${p.role === 'label' ? '标签' : '文本'}是${NOT_TEXT_KINDS[p.kind]}${p.kind === 'null' ? '' : `（${p.value}）`}，不是字符串` +
        (p.kind === 'number' || p.kind === 'boolean' ? `——加上引号（"${p.value}"）才能使用` : ''),
    ),
  'unknown-label': (p) => onRow(p, `标签“${p.value}”没有对应到任何标签`),

  // 评估结果提示
  'prediction-bias': (p) =>
    p.calibrated
      ? `即使校准后，模型仍把 ${percent(p.value)} 的样例预测为“${p.label}”（实际只有 ${percent(p.reference)}）。试试别的标签词或模板。`
      : `模型把 ${percent(p.value)} 的样例预测为“${p.label}”，但只有 ${percent(p.reference)} 真的是“${p.label}”。这种标签偏向正是校准要纠正的：试试校准。`,
  'confused-pair': (p) =>
    `“${p.label}”和“${p.other}”经常互相混淆（${p.count} 个样例）。考虑换用更能区分它们的标签词，或合并这两个标签。`,
  'low-recall': (p) =>
    `“${p.label}”的召回率低（${percent(p.value)}）：它的大多数样例被预测成了别的标签${p.other ? `，主要是“${p.other}”` : ''}。它的标签词可能很少适合这个模板；试试别的词，并检查这些样例是否标错。`,
  'low-precision': (p) =>
    `“${p.label}”的精确率低（${percent(p.value)}）：许多其他标签的样例被预测成了它${p.other ? `，主要是“${p.other}”` : ''}。它的词可能太笼统，或者标签不均衡。`,
  'imbalanced-gold': (p) =>
    `数据不均衡：${percent(p.value)} 的样例是“${p.label}”。只要一直预测它，准确率就会显得不错；请比较宏平均 F1。`,
  'no-support': (p) => `数据中没有“${p.label}”的样例；它的召回率无定义（显示为 —），其 F1 在宏平均 F1 中记为 0。`,
  'calibration-helps': (p) =>
    p.calibrated
      ? `这里校准降低了宏平均 F1：不校准 ${percent(p.reference)}，校准后 ${percent(p.value)}。`
      : `校准把宏平均 F1 从 ${percent(p.value)} 提高到 ${percent(p.reference)}。`,
  uniform: (p) => `${p.count} 个样例没有给任何标签概率（没有可用的标签词？），它们被算作第一个标签。`,
  'unreadable-label-words': (p) =>
    p.all
      ? `这个模型读不懂任何一个标签词（标签：${p.labels}）：它的分词器不认识这些词，所以没有标签得到概率，每个样例都被算作第一个标签。数据和标签词是模型的语言吗？请加载适合这种语言的模型，或换用这个模型认识的标签词。`
      : `这个模型读不懂 ${p.labels} 的任何标签词：它的分词器不认识这些词，所以这些标签永远不会被预测。请给它们换上这个模型认识的词（标签词编辑器会标出未知的词），或加载适合其语言的模型。`,

  // 评估说明
  'small-sample': (p) =>
    `只有 ${thousands(p.n)} 个样例：少于 ${p.min} 个时，多对或多错一个样例，准确率就变化 ${(100 / Math.max(1, p.n)).toFixed(1)} 个百分点。请看 95% 置信区间，而不只是数值；比较不同设置之前，请用更多数据评估。`,
  'truncated-examples': (p) =>
    `${thousands(p.total)} 个样例中有 ${thousands(p.n)} 个为适应模型长度被截断；最多从 ${p.slots} 的末尾截掉 ${thousands(p.max)} 个词元（模板和 [Z] 从不截断）。` +
    (p.see === 'cli-file'
      ? `哪些样例被截断，见 ${p.file} 的 truncated_tokens 列。`
      : p.see === 'cli-flag'
        ? '用 --predictions <文件> 可以看到是哪些样例（truncated_tokens 列）。'
        : '样例列表中已标出这些样例；CSV 导出中有每个样例截掉的词元数。'),

  // 模型运行时（概要；运行时自己的英文消息说明具体发生了什么）
  'hub-unreachable': '无法连接 Hugging Face Hub。',
  'file-missing': (p) => `${IN[p.where] || '模型'}缺少${p.file ? ` ${p.file}` : '需要的文件'}。${MISSING_FIX[p.where]}`,
  'not-masked-lm': '这不是掩码语言模型（fill-mask），无法在 [Z] 处打分。',
  'corrupt-model': (p) => `${fileIn(p)}已损坏或无法读取。${DAMAGED_FIX[p.where]}`,
  'download-incomplete': (p) =>
    `${fileIn(p)}没有完整下载（连接中断，或文件被截断、与校验和不符），未保留任何部分。${INCOMPLETE_FIX[p.where]}`,
  'out-of-memory': '内存不足，无法运行这个模型。',
  'webgpu-unavailable': 'WebGPU 不可用。',
  cancelled: '请求已取消。',
  superseded: '这个请求被更新的请求取代了。',
  'invalid-input': '输入无效。',
  'not-loaded': '模型还没有加载。',
  'worker-restarted': '模型工作线程已重启。',
  'worker-crashed': '模型工作线程意外停止。',
  unknown: '发生了未知错误。',
};
