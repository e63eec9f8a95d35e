/**
 * The pure part of the Custom Scalars dashboard: which scalar series each chart of a layout draws (a
 * multiline chart's tag regexes, matched at the start of a tag as Python's `re.match` does; a margin chart's
 * value, lower and upper tags), their labels and colours, a unique card identity per chart, and which
 * categories are open (`closed` in the layout, flipped by the user and kept in the URL).
 */
import type { CustomScalarsCategory, CustomScalarsChart, TagInfo } from '../../lib/api';
import { PALETTE } from '../../lib/colors';
import type { ParamCodec } from '../../lib/pageParams';

// ---- tag patterns ---------------------------------------------------------------------------------------

export type Pattern = { ok: true; source: string; test: (tag: string) => boolean } | { ok: false; source: string; error: string };

/**
 * A Python regular expression as a JavaScript one matching at the start of a tag only (`re.match`: anchored
 * at the start, not at the end). Python's spellings JavaScript lacks are translated: named groups
 * `(?P<n>…)` and `(?P=n)`, `\A` and `\Z`, and leading global flags `(?i)`, `(?s)`, `(?m)`.
 */
export function compilePattern(source: string): Pattern {
  let body = source;
  let flags = '';
  const lead = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (lead) {
    body = body.slice(lead[0].length);
    for (const f of lead[1]!) if ('ims'.includes(f) && !flags.includes(f)) flags += f;
  }
  body = body
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/(^|[^\\])((?:\\\\)*)\\A/g, '$1$2^')
    .replace(/(^|[^\\])((?:\\\\)*)\\Z/g, '$1$2$');
  try {
    const re = new RegExp(`^(?:${body})`, flags);
    return { ok: true, source, test: (tag) => re.test(tag) };
  } catch (e) {
    return { ok: false, source, error: e instanceof Error ? e.message : String(e) };
  }
}

// ---- the lines of a chart ---------------------------------------------------------------------------------

export type LineRole = 'line' | 'value' | 'lower' | 'upper';

/** One scalar series a chart draws. */
export interface Line {
  /** Unique in the chart: the key charts use in place of a run name. */
  key: string;
  run: string;
  tag: string;
  role: LineRole;
  /** For margin charts: which of the chart's series (value, lower, upper) and run this line belongs to. */
  group: number;
}

/** A line's key, readable since charts show it as the full name on hover: "dev_dow/bbb (lower) · run". */
export function lineKey(run: string, tag: string, role: LineRole): string {
  return `${tag}${roleSuffix(role)} · ${run}`;
}

function roleSuffix(role: LineRole): string {
  return role === 'lower' || role === 'upper' ? ` (${role})` : '';
}

export interface ChartLines {
  lines: Line[];
  /** Patterns that are not valid regular expressions (multiline charts). */
  invalid: { source: string; error: string }[];
}

/**
 * The lines of a chart over the scalar tags (`api/tags?kind=scalars`) among the selected runs (in their
 * order). Multiline: every tag one of the patterns matches, in each selected run holding it, sorted by tag.
 * Margin: per series and selected run holding its value tag, the value, lower and upper lines (a bound the
 * run lacks is left out).
 */
export function chartLines(chart: CustomScalarsChart, scalarTags: readonly TagInfo[], selected: readonly string[]): ChartLines {
  const runsOf = new Map(scalarTags.map((t) => [t.tag, new Set(t.runs)]));
  const inOrder = (tag: string) => selected.filter((r) => runsOf.get(tag)?.has(r));
  if (chart.kind === 'multiline') {
    const patterns = chart.tags.map(compilePattern);
    const valid = patterns.filter((p): p is Extract<Pattern, { ok: true }> => p.ok);
    const invalid = patterns.filter((p): p is Extract<Pattern, { ok: false }> => !p.ok).map((p) => ({ source: p.source, error: p.error }));
    const tags = scalarTags
      .map((t) => t.tag)
      .filter((tag) => valid.some((p) => p.test(tag)))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const lines: Line[] = [];
    for (const tag of tags) for (const run of inOrder(tag)) lines.push({ key: lineKey(run, tag, 'line'), run, tag, role: 'line', group: lines.length });
    return { lines, invalid };
  }
  if (chart.kind === 'margin') {
    const lines: Line[] = [];
    const keys = new Set<string>();
    let group = 0;
    for (const s of chart.series) {
      for (const run of inOrder(s.value)) {
        // a series repeated in the layout is drawn once
        if (keys.has(lineKey(run, s.value, 'value'))) continue;
        for (const [role, tag] of [
          ['value', s.value],
          ['lower', s.lower],
          ['upper', s.upper],
        ] as const) {
          const key = lineKey(run, tag, role);
          if (!keys.has(key) && runsOf.get(tag)?.has(run)) {
            keys.add(key);
            lines.push({ key, run, tag, role, group });
          }
        }
        group++;
      }
    }
    return { lines, invalid: [] };
  }
  return { lines: [], invalid: [] };
}

/** The scalar tags a chart's lines need, each with the runs to fetch it for. */
export function fetchPlan(lines: readonly Line[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const l of lines) {
    const runs = out.get(l.tag) ?? [];
    if (!runs.includes(l.run)) runs.push(l.run);
    out.set(l.tag, runs);
  }
  return out;
}

/**
 * Line colours. When the lines (or margin groups) differ only by run, each takes its run's colour, as on
 * every other dashboard; when one run has several, they take palette colours in turn so they can be told
 * apart. A margin group's three lines share one colour.
 */
export function lineColors(lines: readonly Line[], runColor: (run: string) => string): Map<string, string> {
  const groups = new Map<number, string>(); // group → run
  for (const l of lines) groups.set(l.group, l.run);
  const runs = [...groups.values()];
  const byRun = new Set(runs).size === runs.length;
  const out = new Map<string, string>();
  const order = [...groups.keys()];
  for (const l of lines) {
    out.set(l.key, byRun ? runColor(l.run) : PALETTE[order.indexOf(l.group) % PALETTE.length]!);
  }
  return out;
}

/**
 * A line's label: the tag, with the run when the chart has several runs, and the role in a margin chart
 * ("dev_dow/bbb (lower)").
 */
export function lineLabel(line: Line, severalRuns: boolean): string {
  return severalRuns ? line.key : `${line.tag}${roleSuffix(line.role)}`;
}

// ---- cards and categories -----------------------------------------------------------------------------------

/** A card identity per chart, unique on the page: "category › chart", numbered when a name repeats. */
export function chartKeys(categories: readonly CustomScalarsCategory[]): string[][] {
  const seen = new Map<string, number>();
  return categories.map((c) =>
    c.charts.map((ch) => {
      const base = `${c.title} › ${ch.title || 'untitled'}`;
      const n = (seen.get(base) ?? 0) + 1;
      seen.set(base, n);
      return n === 1 ? base : `${base} #${n}`;
    }),
  );
}

/** Whether a category is open: the layout's `closed`, flipped when the user toggled it. */
export function isOpen(category: CustomScalarsCategory, toggled: readonly string[]): boolean {
  return category.closed === toggled.includes(category.title);
}

/** `toggled` with a category's title added or removed. */
export function toggle(toggled: readonly string[], title: string): string[] {
  return toggled.includes(title) ? toggled.filter((t) => t !== title) : [...toggled, title];
}

/** A list of strings in the URL, as JSON; anything else reads as the default. */
export const stringListParam: ParamCodec<string[]> = {
  parse(raw) {
    try {
      const v: unknown = JSON.parse(raw);
      return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined;
    } catch {
      return undefined;
    }
  },
  format: (v) => (v.length ? JSON.stringify(v) : ''),
};
