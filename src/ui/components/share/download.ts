// Saving text as a file from the browser (a Blob and a temporary object URL; nothing leaves the page).

/** A safe file name from a setup name: letters, digits, CJK, "-" and "_" only. */
export function fileNameFor(name: string, extension: string): string {
  const base = name
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}_-]+/gu, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${base || 'setup'}.${extension}`;
}

export function downloadText(fileName: string, text: string, type = 'text/plain'): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
