// Saving files from the browser — setups, results (CSV, JSON) and charts as PNG (an SVG drawn onto
// a canvas) — through a Blob and a temporary object URL: nothing leaves the page.

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

const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'text-anchor',
  'dominant-baseline',
] as const;

/**
 * A standalone copy of an on-page SVG: styles that come from the page (CSS variables, the theme)
 * are written onto each element, so the image looks like the chart on screen.
 */
function standaloneSvg(svg: SVGSVGElement): { markup: string; width: number; height: number } {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [clone, ...clone.querySelectorAll('*')];
  originals.forEach((el, i) => {
    const copy = copies[i] as SVGElement | undefined;
    if (!copy) return;
    const computed = getComputedStyle(el);
    for (const prop of STYLE_PROPS) {
      const value = computed.getPropertyValue(prop);
      if (value) copy.style.setProperty(prop, value);
    }
  });
  const box = svg.getBoundingClientRect();
  const width = Math.max(1, Math.round(box.width));
  const height = Math.max(1, Math.round(box.height));
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(width));
  clone.setAttribute('height', String(height));
  return { markup: new XMLSerializer().serializeToString(clone), width, height };
}

/** Draws the SVG on a canvas (2× for sharp projection) on the page's panel colour and saves it as PNG. */
export async function downloadSvgAsPng(svg: SVGSVGElement, fileName: string, title?: string): Promise<void> {
  const { markup, width, height } = standaloneSvg(svg);
  const scale = 2;
  const titleHeight = title ? 28 : 0;
  const image = new Image();
  const url = URL.createObjectURL(new Blob([markup], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('The chart could not be drawn as an image.'));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = width * scale;
    canvas.height = (height + titleHeight) * scale;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('This browser cannot draw images.');
    ctx.scale(scale, scale);
    const page = getComputedStyle(document.documentElement);
    ctx.fillStyle = page.getPropertyValue('--panel').trim() || '#ffffff';
    ctx.fillRect(0, 0, width, height + titleHeight);
    if (title) {
      ctx.fillStyle = page.getPropertyValue('--text').trim() || '#000000';
      ctx.font = `600 15px ${page.getPropertyValue('--sans') || 'sans-serif'}`;
      ctx.fillText(title, 8, 19);
    }
    ctx.drawImage(image, 0, titleHeight, width, height);
    const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
    if (!blob) throw new Error('The chart could not be saved as PNG.');
    downloadBlob(blob, fileName);
  } finally {
    URL.revokeObjectURL(url);
  }
}
