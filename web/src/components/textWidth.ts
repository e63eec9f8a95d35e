/** Text widths measured on a shared canvas, for shortening names in the middle to fit a box. */

let ctx: CanvasRenderingContext2D | null | undefined;
const cache = new Map<string, number>();

export function textWidth(text: string, font: string): number {
  const key = `${font}\u0000${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  if (ctx === undefined) ctx = document.createElement('canvas').getContext('2d');
  let w = text.length * 7.5;
  if (ctx) {
    ctx.font = `${font} ${getComputedStyle(document.body).fontFamily}`;
    w = ctx.measureText(text).width;
  }
  if (cache.size > 5000) cache.clear();
  cache.set(key, w);
  return w;
}
