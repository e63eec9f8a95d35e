/**
 * The current drawing (every scope as it is expanded now, not only the part on screen) as a standalone SVG
 * file, with concrete colours and fonts so it looks the same anywhere, and as a PNG rendered from that SVG.
 * Text from the graph is escaped; nothing from it becomes markup.
 */
import { type ColorContext, boxColors } from './colors';
import type { Scene } from './scene';

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif";
const PAD = 16;

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]!};`);
}

export function sceneToSvg(scene: Scene, ctx: ColorContext, title: string): string {
  const dark = ctx.theme === 'dark';
  const bg = dark ? '#0f1215' : '#ffffff';
  const edge = dark ? '#7d8894' : '#7a8592';
  const label = dark ? '#9aa5b1' : '#5d6875';
  const w = Math.ceil(scene.width + 2 * PAD);
  const h = Math.ceil(scene.height + 2 * PAD);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="${escapeXml(FONT)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<defs><marker id="a" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,1L10,5L0,9z" fill="${edge}"/></marker></defs>`,
    `<rect width="100%" height="100%" fill="${bg}"/>`,
    `<g transform="translate(${PAD},${PAD})">`,
  );
  for (const it of scene.items) {
    if (!it.expanded) continue;
    const c = boxColors(it, ctx);
    out.push(
      `<rect x="${it.x}" y="${it.y}" width="${it.w}" height="${it.h}" rx="8" fill="${c.fill}" stroke="${c.stroke}"/>`,
      `<text x="${it.x + 10}" y="${it.y + 19}" font-size="12" fill="${c.text}"><tspan font-weight="600">${escapeXml(it.lines[0] ?? '')}</tspan>${
        it.lines[1] ? `<tspan dx="8" font-size="11" opacity="0.7">${escapeXml(it.lines[1])}</tspan>` : ''
      }</text>`,
    );
  }
  for (const e of scene.edges) {
    out.push(
      `<path d="${e.d}" fill="none" stroke="${edge}" stroke-width="${e.width}"${e.control ? ' stroke-dasharray="4 3"' : e.call ? ' stroke-dasharray="1 3"' : e.stub ? ' stroke-dasharray="2 2" opacity="0.7"' : ''} marker-end="url(#a)"/>`,
    );
    if (e.label)
      out.push(`<text x="${e.lx + 4}" y="${e.ly}" font-size="10" fill="${label}">${escapeXml(e.label)}</text>`);
  }
  for (const it of scene.items) {
    if (it.expanded) continue;
    const c = boxColors(it, ctx);
    const stack = it.kind === 'series' ? 6 : 0;
    const bw = it.w - stack;
    const bh = it.h - stack;
    const rx = it.kind === 'leaf' ? 5 : 7;
    const sw = it.kind === 'leaf' ? 1 : 1.5;
    out.push(`<g transform="translate(${it.x},${it.y})">`);
    if (stack)
      for (const o of [6, 3])
        out.push(
          `<rect x="${o}" y="${o}" width="${bw}" height="${bh}" rx="${rx}" fill="${c.fill}" stroke="${c.stroke}" stroke-width="${sw}"/>`,
        );
    out.push(
      `<rect width="${bw}" height="${bh}" rx="${rx}" fill="${c.fill}" stroke="${c.stroke}" stroke-width="${sw}"/>`,
    );
    const y0 = bh / 2 - ((it.lines.length - 1) * 15) / 2 + 4;
    out.push(`<text x="${bw / 2}" y="${y0}" text-anchor="middle" fill="${c.text}">`);
    it.lines.forEach((l, i) => {
      const attrs =
        i === 0 ? `font-size="12" font-weight="${it.kind === 'leaf' ? 500 : 600}"` : 'font-size="11" opacity="0.72"';
      out.push(`<tspan x="${bw / 2}" dy="${i === 0 ? 0 : 15}" ${attrs}>${escapeXml(l)}</tspan>`);
    });
    out.push('</text></g>');
  }
  out.push('</g></svg>');
  return out.join('\n');
}

/** Browsers refuse canvases much bigger than this; big drawings are scaled down to fit. */
const MAX_CANVAS = 16384;
const MAX_PIXELS = 120e6;

export function pngScale(w: number, h: number, want = 2): number {
  let s = Math.min(want, MAX_CANVAS / w, MAX_CANVAS / h);
  if (w * h * s * s > MAX_PIXELS) s = Math.sqrt(MAX_PIXELS / (w * h));
  return Math.max(0.05, s);
}

export async function svgToPng(svg: string): Promise<Blob> {
  const m = /width="(\d+)" height="(\d+)"/.exec(svg);
  const w = Number(m?.[1] ?? 800);
  const h = Number(m?.[2] ?? 600);
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
  try {
    const img = new Image();
    img.decoding = 'async';
    const loaded = new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error('The drawing could not be rendered to an image.'));
    });
    img.src = url;
    await loaded;
    const s = pngScale(w, h);
    const canvas = document.createElement('canvas');
    canvas.width = Math.round(w * s);
    canvas.height = Math.round(h * s);
    const g = canvas.getContext('2d');
    if (!g) throw new Error('No canvas to draw the image on.');
    g.setTransform(s, 0, 0, s, 0, 0);
    g.drawImage(img, 0, 0, w, h);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('The image is too big to export.'))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

export function download(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file name from the run and graph: `logs_fit_train-op-graph.svg`. */
export function exportName(run: string, tag: string, ext: string): string {
  const clean = (s: string) => s.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'graph';
  return `${clean(run)}-${tag === '__run_graph__' ? 'op-graph' : clean(tag)}.${ext}`;
}
