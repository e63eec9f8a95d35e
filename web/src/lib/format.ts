/**
 * Numbers, durations and times formatted for people: 1.2k, 3.4e-5, 12 min, 2026-11-26 14:03.
 * Used by axes, tooltips and notes; pure, so the tests pin every case.
 */

const SI = [
  { v: 1e15, s: 'P' },
  { v: 1e12, s: 'T' },
  { v: 1e9, s: 'G' },
  { v: 1e6, s: 'M' },
  { v: 1e3, s: 'k' },
];

function trimZeros(s: string): string {
  if (!s.includes('.') || s.includes('e')) return s;
  return s.replace(/\.?0+$/, '');
}

function nonFinite(v: number): string | null {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Number.POSITIVE_INFINITY) return '∞';
  if (v === Number.NEGATIVE_INFINITY) return '−∞';
  return null;
}

/**
 * A number in at most `digits` significant digits: SI suffixes from 10 000 up (12.3k, 4.5M),
 * scientific notation below 0.001 (3.4e-5), plain decimals between.
 */
export function formatNumber(v: number, digits = 3): string {
  const nf = nonFinite(v);
  if (nf !== null) return nf;
  if (v === 0) return '0';
  const a = Math.abs(v);
  const sign = v < 0 ? '−' : '';
  if (a >= 1e4) {
    for (const { v: base, s } of SI) {
      if (a >= base) {
        if (a / base >= 1000 && base === 1e15) break;
        return sign + trimZeros((a / base).toPrecision(digits)) + s;
      }
    }
    return sign + expo(a, digits);
  }
  if (a < 1e-3) return sign + expo(a, digits);
  // 1234 stays 1234 rather than becoming 1.23e+3
  if (a >= 10 ** digits) return sign + Math.round(a).toString();
  return sign + trimZeros(a.toPrecision(digits));
}

function expo(a: number, digits: number): string {
  const [m, e] = a.toExponential(Math.max(digits - 1, 0)).split('e');
  return `${trimZeros(m!)}e${Number(e)}`;
}

/** A value in a tooltip: more digits than an axis label, still compact. */
export function formatValue(v: number): string {
  return formatNumber(v, 5);
}

/** A step: the exact integer, grouped by thousands with thin spaces (12 345). */
export function formatStep(step: number): string {
  if (!Number.isFinite(step)) return String(step);
  const s = Math.abs(Math.trunc(step)).toString();
  const grouped = s.length <= 4 ? s : s.replace(/\B(?=(\d{3})+(?!\d))/g, '\u202f');
  return (step < 0 ? '−' : '') + grouped;
}

/** A step on an axis: compact (1.2k). */
export function formatStepShort(step: number): string {
  return Math.abs(step) < 1e4 ? formatStep(step) : formatNumber(step, 3);
}

/** A duration in seconds: 0.4 s, 45 s, 12 min, 1.5 h, 3.2 d. */
export function formatDuration(seconds: number): string {
  const nf = nonFinite(seconds);
  if (nf !== null) return nf;
  const sign = seconds < 0 ? '−' : '';
  const a = Math.abs(seconds);
  if (a < 1) return sign + trimZeros(a.toFixed(2)) + ' s';
  if (a < 60) return sign + trimZeros(a.toFixed(a < 10 ? 1 : 0)) + ' s';
  if (a < 3600) return sign + trimZeros((a / 60).toFixed(a < 600 ? 1 : 0)) + ' min';
  if (a < 86400) return sign + trimZeros((a / 3600).toFixed(a < 36000 ? 1 : 0)) + ' h';
  return sign + trimZeros((a / 86400).toFixed(a < 864000 ? 1 : 0)) + ' d';
}

function pad(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Wall time (seconds since the epoch) in local time: 2026-11-26 14:03, with seconds if asked. */
export function formatDateTime(wallTime: number, withSeconds = false): string {
  if (!Number.isFinite(wallTime)) return '';
  const d = new Date(wallTime * 1000);
  const date = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}${withSeconds ? `:${pad(d.getSeconds())}` : ''}`;
  return `${date} ${time}`;
}

/** How long ago, for "updated 12 s ago". */
export function formatAgo(wallTime: number, now: number = Date.now() / 1000): string {
  const d = Math.max(0, now - wallTime);
  if (d < 5) return 'just now';
  return `${formatDuration(d)} ago`;
}

/** Bytes for people: 1.2 MB. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${trimZeros(v.toPrecision(3))} ${units[i]}`;
}

/**
 * Shorten a long name in the middle, keeping its start and its end (which tell runs apart:
 * `lr=1e-2/seed 1/…/validation`).
 */
export function middleEllipsis(text: string, max: number): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  const keep = Math.max(max - 1, 2);
  const head = Math.ceil(keep / 2);
  const tail = keep - head;
  return chars.slice(0, head).join('') + '…' + chars.slice(chars.length - tail).join('');
}

/** A card's title for a tag: the display name its writer gave it, else the tag itself. */
export function tagTitle(tag: { tag: string; display_name: string }): string {
  return tag.display_name && tag.display_name !== tag.tag ? tag.display_name : tag.tag;
}

/**
 * Short labels for runs shown together: the path prefix they all share is replaced by "…/"
 * (`logs/fit/20261126-0512/train`, `…/validation` → `…/train`, `…/validation`). A single run keeps its name.
 */
export function shortRunNames(names: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  let prefix = '';
  if (names.length > 1) {
    prefix = names[0]!;
    for (const n of names) {
      let i = 0;
      while (i < prefix.length && i < n.length && prefix[i] === n[i]) i++;
      prefix = prefix.slice(0, i);
    }
    const cut = prefix.lastIndexOf('/');
    prefix = cut >= 0 ? prefix.slice(0, cut + 1) : '';
    // Never shorten a name to nothing.
    if (names.some((n) => n.length === prefix.length)) prefix = '';
  }
  for (const n of names) out.set(n, prefix ? `…/${n.slice(prefix.length)}` : n);
  return out;
}

/**
 * A wall-time axis label, as precise as the visible span needs: seconds with decimals for a
 * sub-minute span, HH:MM:SS within ten minutes, HH:MM within a day, MM-DD HH:MM within a month,
 * then the date.
 */
export function formatWallTick(wallTime: number, span: number): string {
  const d = new Date(wallTime * 1000);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (span < 60) {
    const sec = d.getSeconds() + (wallTime - Math.floor(wallTime));
    const decimals = span < 1 ? 3 : span < 10 ? 1 : 0;
    const s = sec.toFixed(decimals);
    return `${hm}:${sec < 10 ? '0' : ''}${s}`;
  }
  if (span < 600) return `${hm}:${pad(d.getSeconds())}`;
  if (span < 86400) return hm;
  const md = `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  if (span < 30 * 86400) return `${md} ${hm}`;
  return `${d.getFullYear()}-${md}`;
}

/** The longest middle-shortened form of `text` whose measured width fits in `maxWidth`. */
export function fitMiddle(text: string, maxWidth: number, measure: (s: string) => number): string {
  if (measure(text) <= maxWidth) return text;
  let lo = 2;
  let hi = Array.from(text).length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (measure(middleEllipsis(text, mid)) <= maxWidth) lo = mid;
    else hi = mid - 1;
  }
  return middleEllipsis(text, lo);
}
