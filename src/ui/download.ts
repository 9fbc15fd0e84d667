// Saving files from the browser — setups, results (CSV, JSON) and charts as PNG (eval/chartExport.ts)
// — through a Blob and a temporary object URL: nothing leaves the page.

/** A safe file name from a setup name: letters, digits, CJK, "-" and "_" only. */
export function fileNameFor(name: string, extension: string): string {
  const base = name
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}_-]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${base || 'setup'}.${extension}`;
}

export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1_000);
}

export function downloadText(fileName: string, text: string, type = 'text/plain'): void {
  // A BOM so that spreadsheet programs read the CSV as UTF-8 (labels may be Chinese).
  const prefix = type.startsWith('text/csv') ? '\ufeff' : '';
  downloadBlob(
    new Blob([prefix + text], { type: type.includes('charset') ? type : `${type};charset=utf-8` }),
    fileName,
  );
}
