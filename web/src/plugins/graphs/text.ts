/** How the side panel writes attribute values and the names of a node's neighbours. Pure. */

/** An attribute value as text (lists in brackets, objects as JSON); never markup. */
export function attrText(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map((x) => (typeof x === 'string' ? x : JSON.stringify(x))).join(', ')}]`;
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/** A name as seen from `scope`: what they share is left out (`…/gradient_tape/MatMul` beside `…/AddN`). */
export function relativeName(name: string, scope: string): string {
  if (!scope) return name;
  const a = name.split('/');
  const b = scope.split('/');
  let i = 0;
  while (i < a.length - 1 && i < b.length && a[i] === b[i]) i++;
  return i === 0 ? name : `…/${a.slice(i).join('/')}`;
}
