/**
 * Run colours: a colour-blind-safe categorical palette (Paul Tol's "bright" set, then two colours of
 * his "vibrant" set and grey for runs beyond six), one colour per run, chosen from a hash of the run's name so the same run keeps its
 * colour across reloads and dashboards, whatever else is in the logdir.
 *
 * A plain hash gives two runs the same colour one time in `PALETTE.length`, and "train" and
 * "validation" sharing a colour would defeat the chart. So runs are visited in creation order and a
 * run whose hashed colour is already taken moves to the next free one. A run created later never
 * changes the colour of an earlier one, so colours stay stable while new runs appear.
 */

export const PALETTE: readonly string[] = [
  '#4477AA', // blue
  '#EE6677', // red
  '#228833', // green
  '#CCBB44', // yellow
  '#66CCEE', // cyan
  '#AA3377', // purple
  // used only once the six above are taken (grey last: it reads as "disabled")
  '#EE7733', // orange
  '#009988', // teal
  '#BBBBBB', // grey
];

/** The first PRIMARY colours form the set designed to be told apart; a run's hash picks among them. */
const PRIMARY = 6;

/** FNV-1a over the UTF-16 code units of the name: small, fast and well spread. */
export function hashName(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** The colour a run gets when no earlier run has taken it. */
export function preferredColor(name: string): string {
  return PALETTE[hashName(name) % PRIMARY]!;
}

export interface RunForColor {
  name: string;
  first_wall_time?: number | null;
}

/**
 * Colours for every run. Runs are taken oldest first (then by name); each gets its hashed colour
 * or, if an earlier run has it, the next free one; once all are used, colours repeat by hash.
 */
export function assignColors(runs: readonly RunForColor[]): Map<string, string> {
  const ordered = [...runs].sort((a, b) => {
    const ta = a.first_wall_time ?? Number.POSITIVE_INFINITY;
    const tb = b.first_wall_time ?? Number.POSITIVE_INFINITY;
    if (ta !== tb) return ta - tb;
    return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  });
  const out = new Map<string, string>();
  const used = new Set<number>();
  for (const run of ordered) {
    const h = hashName(run.name);
    let idx = h % PRIMARY;
    if (used.size < PRIMARY) {
      while (used.has(idx)) idx = (idx + 1) % PRIMARY;
    } else if (used.size < PALETTE.length) {
      idx = PRIMARY;
      while (used.has(idx)) idx++;
    } else {
      idx = h % PALETTE.length;
    }
    used.add(idx);
    out.set(run.name, PALETTE[idx]!);
  }
  return out;
}

/** `#rrggbb` with an alpha, for the faint raw line behind a smoothed one. */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) return hex;
  const n = parseInt(m[1]!, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
