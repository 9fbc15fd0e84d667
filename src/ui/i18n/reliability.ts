// Strings for reliability features: another tab's changes, text cut to fit a saved setup.
// Spread into en.ts and zh.ts.
export const reliabilityEn = {
  'tabs.conflict.title': 'Another tab saved newer changes to this workspace',
  'tabs.conflict.body':
    'ClozeLab is open in another tab too, and that tab saved a different version ("{name}"). To lose nothing, this tab has stopped saving until you choose.',
  'tabs.conflict.loadTheirs': 'Load theirs',
  'tabs.conflict.keepMine': 'Keep mine and overwrite',
  'notice.saveTrimmed':
    'Some text is longer than a saved setup may hold ({fields}). It is used in full on this page, but only its first part is saved: after a reload it will be cut. For long texts in bulk, use the Evaluate tab.',
} as const;

export type ReliabilityKey = keyof typeof reliabilityEn;

export const reliabilityZh: Record<ReliabilityKey, string> = {
  'tabs.conflict.title': '另一个标签页保存了这个工作区的较新更改',
  'tabs.conflict.body':
    'ClozeLab 也在另一个标签页中打开，并且那个标签页保存了不同的版本（“{name}”）。为了不丢失任何内容，本标签页在你做出选择之前暂停保存。',
  'tabs.conflict.loadTheirs': '载入对方的版本',
  'tabs.conflict.keepMine': '保留我的版本并覆盖',
  'notice.saveTrimmed':
    '有些文本超出了已保存设置允许的长度（{fields}）。本页面仍完整使用它们，但只保存前面的部分：重新加载后会被截断。大量长文本请使用“评估”页。',
};
