/**
 * Page state ⇄ URL query string, so copying the address shares the view.
 *
 * Runs are stored as the ones the user switched *off* (`hide=`), so a run that appears later is shown.
 * Defaults are left out to keep links short, except smoothing, which is always written: a shared link
 * must not pick up the recipient's own smoothing preference.
 *
 * Dashboards keep their own state (a step, a mode, a compared run) in `extra`, under query keys
 * `<kind>.<name>` (`images.step=40`), so no dashboard needs a field here; `pageParams.ts` types them.
 */

export type XAxis = 'step' | 'relative' | 'wall';
export type YScale = 'linear' | 'log';

export interface PageState {
  tab: string;
  hiddenRuns: string[];
  runFilter: string;
  tagFilter: string;
  smoothing: number;
  xAxis: XAxis;
  yScale: YScale;
  ignoreOutliers: boolean;
  /** Also show the points a restarted run logged again (the server hides the overwritten ones). */
  showHidden: boolean;
  /** The tag of the enlarged card, if any. */
  card: string | null;
  /** Collapsed tag groups. */
  collapsed: string[];
  /** Dashboards' own parameters: `<kind>.<name>` → raw value (see `extraKey`). */
  extra: Record<string, string>;
}

/** `<kind>.<name>`: a kind as in the plugin folder names, a name of letters, digits and underscores. */
const EXTRA_KEY = /^[a-z][a-z0-9_]*\.[A-Za-z][A-Za-z0-9_]*$/;

export function isExtraKey(key: string): boolean {
  return EXTRA_KEY.test(key);
}

/** The query key of a dashboard's parameter; throws on a kind or name that could clash with the core keys. */
export function extraKey(kind: string, name: string): string {
  const key = `${kind}.${name}`;
  if (!EXTRA_KEY.test(key)) throw new Error(`Bad page parameter name: ${JSON.stringify(key)}`);
  return key;
}

export const DEFAULT_SMOOTHING = 0.6;

export function defaultState(smoothing: number = DEFAULT_SMOOTHING): PageState {
  return {
    tab: 'scalars',
    hiddenRuns: [],
    runFilter: '',
    tagFilter: '',
    smoothing,
    xAxis: 'step',
    yScale: 'linear',
    ignoreOutliers: false,
    showHidden: false,
    card: null,
    collapsed: [],
    extra: {},
  };
}

export function clampSmoothing(v: number): number {
  if (!Number.isFinite(v)) return DEFAULT_SMOOTHING;
  return Math.min(Math.max(Math.round(v * 1000) / 1000, 0), 0.999);
}

/** Read the state from a query string ("?a=b" or "a=b"); unknown or malformed values fall back to defaults. */
export function parseState(search: string, fallbackSmoothing: number = DEFAULT_SMOOTHING): PageState {
  const p = new URLSearchParams(search);
  const s = defaultState(fallbackSmoothing);
  const tab = p.get('tab');
  if (tab && /^[a-z_]+$/.test(tab)) s.tab = tab;
  s.hiddenRuns = p.getAll('hide');
  s.runFilter = p.get('runs') ?? '';
  s.tagFilter = p.get('tags') ?? '';
  const sm = p.get('smoothing');
  if (sm !== null && sm.trim() !== '' && Number.isFinite(Number(sm))) s.smoothing = clampSmoothing(Number(sm));
  const x = p.get('x');
  if (x === 'step' || x === 'relative' || x === 'wall') s.xAxis = x;
  const y = p.get('y');
  if (y === 'linear' || y === 'log') s.yScale = y;
  s.ignoreOutliers = p.get('outliers') === '1';
  s.showHidden = p.get('restarts') === '1';
  s.card = p.get('card');
  s.collapsed = p.getAll('collapsed');
  for (const [k, v] of p) if (isExtraKey(k) && !Object.hasOwn(s.extra, k)) s.extra[k] = v;
  return s;
}

/** The query string for a state, starting with "?". */
export function serializeState(s: PageState): string {
  const p = new URLSearchParams();
  if (s.tab !== 'scalars') p.set('tab', s.tab);
  if (s.tagFilter) p.set('tags', s.tagFilter);
  if (s.runFilter) p.set('runs', s.runFilter);
  p.set('smoothing', String(clampSmoothing(s.smoothing)));
  if (s.xAxis !== 'step') p.set('x', s.xAxis);
  if (s.yScale !== 'linear') p.set('y', s.yScale);
  if (s.ignoreOutliers) p.set('outliers', '1');
  if (s.showHidden) p.set('restarts', '1');
  if (s.card !== null) p.set('card', s.card);
  for (const k of Object.keys(s.extra).sort()) if (isExtraKey(k)) p.set(k, s.extra[k]!);
  for (const g of s.collapsed) p.append('collapsed', g);
  for (const r of s.hiddenRuns) p.append('hide', r);
  const q = p.toString();
  return q ? `?${q}` : '';
}
