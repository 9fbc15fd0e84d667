// Strings for reliability features: another tab's changes, text cut to fit a saved setup, a
// previous workspace that could not be kept, a saved workspace that could not be read.
// Spread into en.ts and zh.ts.
export const reliabilityEn = {
  'tabs.conflict.title': 'Another tab saved newer changes to this workspace',
  'tabs.conflict.body':
    'ClozeLab is open in another tab too, and that tab saved a different version ("{name}"). To lose nothing, this tab has stopped saving until you choose.',
  'tabs.conflict.loadTheirs': 'Load theirs',
  'tabs.conflict.keepMine': 'Keep mine and overwrite',
  'notice.saveTrimmed':
    'Some text is longer than a saved setup may hold ({fields}). It is used in full on this page, but only its first part is saved: after a reload it will be cut. For long texts in bulk, use the Evaluate tab.',
  'open.notKept.quota':
    "Your current workspace could not be kept under Saved setups: this browser's storage is full. Nothing was changed, “{name}” was not opened. Delete saved setups you no longer need (Share & import → Saved setups) or export your workspace, then try again.",
  'open.notKept.unavailable':
    'Your current workspace could not be kept under Saved setups: this browser does not allow saving. Nothing was changed, “{name}” was not opened. Export your workspace (Share & import → File) to keep it.',
  'open.notKept.notKept':
    'Your current workspace could not be kept under Saved setups: it was not there when read back after saving. Nothing was changed, “{name}” was not opened. Try again.',
  'open.notKept.newer':
    'Your current workspace could not be kept under Saved setups: they were stored by a newer ClozeLab, and this one does not overwrite them. Nothing was changed, “{name}” was not opened.',
  'saved.failure.quota':
    "The browser's storage is full: the last change to this list was not stored. Delete entries you no longer need.",
  'saved.failure.unavailable': 'This browser does not allow saving: the list can’t be stored.',
  'saved.failure.notKept': 'The last change to this list was not there when read back; try again.',
  'saved.failure.newer': 'This list was stored by a newer ClozeLab; this one does not change it.',
  'file.export.trimmed':
    'Some text is longer than a setup may hold, so the file has only its first part ({fields}). Everything else is exported whole.',
  'backup.title': 'A saved workspace could not be read',
  'backup.body':
    'Your saved workspace could not be read, so a fresh one was opened ({reason}). A copy of the old data is kept in this browser: restore it, download it as a file, or discard it.',
  'backup.bodyReadable':
    'A copy of a saved workspace that could not be read earlier is kept in this browser. It can be read now: restore it, download it as a file, or discard it.',
  'backup.reason.json': 'it is not valid JSON',
  'backup.reason.shape': 'it has an unexpected shape',
  'backup.reason.empty': 'it has no content',
  'backup.reason.newer': 'it comes from a newer ClozeLab, version {version}',
  'backup.reason.migrate': "it has version {version}, which this ClozeLab can't migrate",
  'backup.reason.invalid': 'the setup in it is invalid: {error}',
  'backup.restore': 'Restore',
  'backup.download': 'Download',
  'backup.discard': 'Discard the copy',
  'backup.later': 'Later',
  'backup.restored':
    'The old workspace was restored. The workspace it replaced is kept under Share & import → Saved setups.',
  'backup.restoredCut':
    'The old workspace was restored, but some of it could not be kept ({fields}). The copy stays here with everything: download it before you discard it.',
  'backup.restoredUnsaved':
    'The old workspace is on the page, but it could not be saved yet, so the copy stays here. Free some space or download it.',
  'backup.restoreFailed': "The old workspace can't be restored: {reason}. Download it to keep it, or discard it.",
  'backup.discardFailed': 'The browser did not let ClozeLab remove the copy.',
} as const;

export type ReliabilityKey = keyof typeof reliabilityEn;

export const reliabilityZh: Record<ReliabilityKey, string> = {
  'tabs.conflict.title': '另一个标签页保存了这个工作区的较新更改',
  'tabs.conflict.body':
    'ClozeLab 也在另一个标签页中打开，并且那个标签页保存了不同的版本（“{name}”）。为了不丢失任何内容，本标签页在你做出选择之前暂停保存。',
  'tabs.conflict.loadTheirs': '加载对方的版本',
  'tabs.conflict.keepMine': '保留我的版本并覆盖',
  'notice.saveTrimmed':
    '有些文本超出了已保存设置允许的长度（{fields}）。本页面仍完整使用它们，但只保存前面的部分：重新加载后会被截断。大量长文本请使用“评估”页。',
  'open.notKept.quota':
    '无法把当前工作区保存到“已保存的设置”：浏览器存储空间已满。什么都没有改变，“{name}”没有打开。请删除不再需要的已保存设置（分享与导入 → 已保存的设置）或导出工作区，然后再试一次。',
  'open.notKept.unavailable':
    '无法把当前工作区保存到“已保存的设置”：这个浏览器不允许保存。什么都没有改变，“{name}”没有打开。如需保留工作区，请导出它（分享与导入 → 文件）。',
  'open.notKept.notKept':
    '无法把当前工作区保存到“已保存的设置”：保存后读回时找不到它。什么都没有改变，“{name}”没有打开。请再试一次。',
  'open.notKept.newer':
    '无法把当前工作区保存到“已保存的设置”：它们由更新版本的 ClozeLab 保存，这个版本不会覆盖它们。什么都没有改变，“{name}”没有打开。',
  'saved.failure.quota': '浏览器存储空间已满：对这个列表的最近一次更改没有保存。请删除不再需要的条目。',
  'saved.failure.unavailable': '这个浏览器不允许保存：列表无法保存。',
  'saved.failure.notKept': '对这个列表的最近一次更改在读回时不见了，请再试一次。',
  'saved.failure.newer': '这个列表由更新版本的 ClozeLab 保存，这个版本不会更改它。',
  'file.export.trimmed': '有些文本超出了设置允许的长度，所以文件里只有它们的前面部分（{fields}）。其余内容都完整导出。',
  'backup.title': '无法读取一个已保存的工作区',
  'backup.body':
    '无法读取已保存的工作区，已打开一个新的工作区（{reason}）。旧数据的副本保存在本浏览器中：你可以恢复它、下载为文件，或丢弃它。',
  'backup.bodyReadable':
    '本浏览器中保存着一个之前无法读取的工作区副本。现在可以读取它了：你可以恢复它、下载为文件，或丢弃它。',
  'backup.reason.json': '它不是有效的 JSON',
  'backup.reason.shape': '它的结构不对',
  'backup.reason.empty': '它没有内容',
  'backup.reason.newer': '它来自更新版本的 ClozeLab（版本 {version}）',
  'backup.reason.migrate': '它的版本是 {version}，这个 ClozeLab 无法迁移',
  'backup.reason.invalid': '其中的设置无效：{error}',
  'backup.restore': '恢复',
  'backup.download': '下载',
  'backup.discard': '丢弃副本',
  'backup.later': '稍后',
  'backup.restored': '旧的工作区已恢复。被替换的工作区保存在“分享与导入 → 已保存的设置”中。',
  'backup.restoredCut': '旧的工作区已恢复，但有些内容无法保留（{fields}）。副本仍完整保存在这里：丢弃之前请先下载。',
  'backup.restoredUnsaved': '旧的工作区已在页面上，但还无法保存，所以副本仍保留在这里。请腾出一些空间或下载它。',
  'backup.restoreFailed': '无法恢复旧的工作区：{reason}。请下载保留它，或丢弃它。',
  'backup.discardFailed': '浏览器不允许 ClozeLab 删除这个副本。',
};
