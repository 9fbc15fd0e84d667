// Saving a chart as PNG: one function for every chart of the workbench. It draws the chart's own
// container (a ChartFrame <figure>) — its title (wrapped, never cut), every SVG in it (the plot, the
// heatmap, the legend's icons) and the HTML text beside them (recharts' legend) — at the place each
// has on screen, on white, in the light theme, at max(2, devicePixelRatio) pixels per CSS pixel.
// Left out: buttons, recharts' tooltip, hover cursor and active dots, and anything marked
// `data-export="omit"` (the selected heatmap cell's border); hover and focus styles are switched off
// while the styles are read.

import { downloadBlob } from '../download';

/** Leaves these out of an exported chart: controls and transient UI state. */
const OMIT = [
  'button',
  '[data-export="omit"]',
  '.recharts-tooltip-wrapper',
  '.recharts-tooltip-cursor',
  '.recharts-active-dot',
].join(', ');

/** Set on the figure while its styles are read: evaluation.css turns hover / focus styles off under it. */
export const EXPORTING_ATTRIBUTE = 'data-exporting';

const STYLE_PROPS = [
  'fill',
  'fill-opacity',
  'stroke',
  'stroke-width',
  'stroke-opacity',
  'stroke-dasharray',
  'opacity',
  'font-family',
  'font-size',
  'font-weight',
  'font-style',
  'text-anchor',
  'dominant-baseline',
  'visibility',
] as const;

const PADDING = 16;
const TITLE_GAP = 10;

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

type Piece =
  { kind: 'svg'; box: Box; markup: string } | { kind: 'text'; box: Box; text: string; font: string; color: string };

interface Snapshot {
  title: { lines: string[]; font: string; color: string; lineHeight: number };
  pieces: Piece[];
  width: number;
  height: number;
}

function omitted(el: Element, root: Element): boolean {
  const hit = el.closest(OMIT);
  return hit !== null && root.contains(hit);
}

function relative(rect: DOMRect, origin: DOMRect): Box {
  return { x: rect.left - origin.left, y: rect.top - origin.top, width: rect.width, height: rect.height };
}

/** A standalone copy of an on-page SVG with the page's styles written onto each element, omitted parts removed. */
function standaloneSvg(svg: SVGSVGElement, root: Element, box: Box): string {
  const clone = svg.cloneNode(true) as SVGSVGElement;
  const originals = [svg, ...svg.querySelectorAll('*')];
  const copies = [clone, ...clone.querySelectorAll('*')];
  const drop: Element[] = [];
  originals.forEach((el, i) => {
    const copy = copies[i];
    if (!(copy instanceof SVGElement)) return;
    if (el !== svg && omitted(el, root)) {
      drop.push(copy);
      return;
    }
    const computed = getComputedStyle(el);
    for (const prop of STYLE_PROPS) {
      const value = computed.getPropertyValue(prop);
      if (value) copy.style.setProperty(prop, value);
    }
  });
  for (const el of drop) el.remove();
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', String(box.width));
  clone.setAttribute('height', String(box.height));
  return new XMLSerializer().serializeToString(clone);
}

function fontOf(style: CSSStyleDeclaration): string {
  return `${style.fontStyle} ${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
}

/** `text` in lines no wider than `width` (at spaces where it can, anywhere in a word longer than a line). */
export function wrapText(text: string, width: number, measure: (s: string) => number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/(?<=\s)/u)) {
    if (measure(line + word) <= width || line === '') {
      line += word;
    } else {
      lines.push(line.trimEnd());
      line = word;
    }
    // A word wider than the whole line: break it between characters.
    while (measure(line.trimEnd()) > width && [...line].length > 1) {
      const chars = [...line];
      let n = chars.length - 1;
      while (n > 1 && measure(chars.slice(0, n).join('')) > width) n--;
      lines.push(chars.slice(0, n).join(''));
      line = chars.slice(n).join('');
    }
  }
  if (line.trim() !== '' || lines.length === 0) lines.push(line.trimEnd());
  return lines;
}

/** Reads everything to draw, synchronously (so the light theme and the switched-off hover never paint). */
function snapshot(figure: HTMLElement, title: string, measure: CanvasRenderingContext2D): Snapshot {
  const origin = figure.getBoundingClientRect();
  const caption = figure.querySelector('figcaption');
  const captionRect = caption?.getBoundingClientRect();
  const captionStyle = getComputedStyle(caption ?? figure);
  const titleFont = fontOf(captionStyle);
  const fontSize = parseFloat(captionStyle.fontSize) || 15;
  const lineHeight = Math.round(fontSize * 1.35);
  const pieces: Piece[] = [];

  for (const svg of figure.querySelectorAll('svg')) {
    if (svg.parentElement?.closest('svg') || omitted(svg, figure)) continue;
    const rect = svg.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    const box = relative(rect, origin);
    pieces.push({ kind: 'svg', box, markup: standaloneSvg(svg, figure, box) });
  }
  // HTML text beside the SVGs (a legend's names), the caption excepted: the title is drawn wrapped.
  const walker = document.createTreeWalker(figure, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    const text = node.textContent?.trim() ?? '';
    if (!parent || text === '' || parent.closest('svg, figcaption') || omitted(parent, figure)) continue;
    const style = getComputedStyle(parent);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    const rect = range.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    pieces.push({ kind: 'text', box: relative(rect, origin), text, font: fontOf(style), color: style.color });
  }

  // The canvas holds the figure and anything that sticks out of it (a heatmap wider than its column).
  const right = Math.max(origin.width, ...pieces.map((p) => p.box.x + p.box.width + PADDING / 2));
  const left = Math.min(0, ...pieces.map((p) => p.box.x - PADDING / 2));
  const width = Math.ceil(right - left);
  measure.font = titleFont;
  const lines = wrapText(title, width - 2 * PADDING, (s) => measure.measureText(s).width);
  // Everything below the caption moves down by what the wrapped title needs beyond the caption's height.
  const captionBottom = captionRect ? captionRect.bottom - origin.top : 0;
  const titleBottom = PADDING + lines.length * lineHeight + TITLE_GAP;
  const shift = Math.max(0, titleBottom - captionBottom);
  for (const p of pieces) {
    p.box.x -= left;
    if (p.box.y >= captionBottom - 1) p.box.y += shift;
  }
  const bottom = Math.max(origin.height + shift, ...pieces.map((p) => p.box.y + p.box.height + PADDING / 2));
  return {
    title: { lines, font: titleFont, color: captionStyle.color, lineHeight },
    pieces,
    width,
    height: Math.ceil(bottom),
  };
}

/** Reads the figure in the light theme with hover and focus styles off, then puts everything back. */
function lightSnapshot(figure: HTMLElement, title: string, measure: CanvasRenderingContext2D): Snapshot {
  const root = document.documentElement;
  const theme = root.dataset.theme;
  root.dataset.theme = 'light';
  figure.setAttribute(EXPORTING_ATTRIBUTE, '');
  try {
    return snapshot(figure, title, measure);
  } finally {
    figure.removeAttribute(EXPORTING_ATTRIBUTE);
    if (theme === undefined) delete root.dataset.theme;
    else root.dataset.theme = theme;
  }
}

async function svgImage(markup: string): Promise<HTMLImageElement> {
  const url = URL.createObjectURL(new Blob([markup], { type: 'image/svg+xml;charset=utf-8' }));
  const image = new Image();
  try {
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error('The chart could not be drawn as an image.'));
      image.src = url;
    });
    return image;
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** The chart in `figure` (a ChartFrame) as a PNG blob: see the top of this file. */
export async function chartPng(figure: HTMLElement, title: string): Promise<Blob> {
  const canvas = document.createElement('canvas');
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser cannot draw images.');
  const shot = lightSnapshot(figure, title, ctx);
  const images = await Promise.all(
    shot.pieces.map((p) => (p.kind === 'svg' ? svgImage(p.markup) : Promise.resolve(null))),
  );
  const scale = Math.max(2, window.devicePixelRatio || 1);
  canvas.width = Math.ceil(shot.width * scale);
  canvas.height = Math.ceil(shot.height * scale);
  ctx.scale(scale, scale);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, shot.width, shot.height);
  ctx.fillStyle = shot.title.color;
  ctx.font = shot.title.font;
  ctx.textBaseline = 'middle';
  shot.title.lines.forEach((line, i) => {
    ctx.fillText(line, PADDING, PADDING + (i + 0.5) * shot.title.lineHeight);
  });
  shot.pieces.forEach((p, i) => {
    if (p.kind === 'svg') {
      ctx.drawImage(images[i]!, p.box.x, p.box.y, p.box.width, p.box.height);
    } else {
      ctx.fillStyle = p.color;
      ctx.font = p.font;
      ctx.textBaseline = 'middle';
      ctx.fillText(p.text, p.box.x, p.box.y + p.box.height / 2);
    }
  });
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('The chart could not be saved as PNG.');
  return blob;
}

/** Saves the chart in `figure` as `fileName`. */
export async function downloadChartPng(figure: HTMLElement, title: string, fileName: string): Promise<void> {
  downloadBlob(await chartPng(figure, title), fileName);
}
