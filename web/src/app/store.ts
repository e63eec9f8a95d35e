/**
 * App-wide state as signals: server status, runs and their colours, the page state mirrored in the URL,
 * the theme, and the live-update connection. Dashboards read these; only this module writes the URL.
 */
import { computed, effect, signal } from '@preact/signals';
import { useCallback, useRef } from 'preact/hooks';
import { type RunInfo, type Status, api } from '../lib/api';
import { assignColors } from '../lib/colors';
import { compileFilter } from '../lib/regex';
import { type ParamCodec, codecFor, readParam, writeParam } from '../lib/pageParams';
import { load, save } from '../lib/storage';
import { DEFAULT_SMOOTHING, type PageState, clampSmoothing, parseState, serializeState } from '../lib/urlState';

// ---- server status and runs -------------------------------------------------------------------------

export const status = signal<Status | null>(null);
export const statusError = signal<string | null>(null);
export const runs = signal<RunInfo[]>([]);
export const runsLoaded = signal(false);
export const runsError = signal<string | null>(null);

export const runColors = computed(() => assignColors(runs.value));

export function colorOf(run: string): string {
  return runColors.value.get(run) ?? '#888888';
}

export async function refreshStatus(): Promise<void> {
  try {
    status.value = await api.status();
    statusError.value = null;
  } catch (e) {
    statusError.value = e instanceof Error ? e.message : String(e);
  }
}

let runsInFlight: Promise<void> | null = null;
export function refreshRuns(): Promise<void> {
  runsInFlight ??= (async () => {
    try {
      const r = await api.runs();
      runs.value = r.runs;
      runsError.value = null;
    } catch (e) {
      runsError.value = e instanceof Error ? e.message : String(e);
    } finally {
      runsLoaded.value = true;
      runsInFlight = null;
    }
  })();
  return runsInFlight;
}

// ---- page state (URL) ---------------------------------------------------------------------------------

const savedSmoothing = Number(load('smoothing') ?? DEFAULT_SMOOTHING);
export const page = signal<PageState>(
  parseState(location.search, Number.isFinite(savedSmoothing) ? clampSmoothing(savedSmoothing) : DEFAULT_SMOOTHING),
);

export function setPage(patch: Partial<PageState>): void {
  page.value = { ...page.value, ...patch };
}

let urlTimer: ReturnType<typeof setTimeout> | undefined;
effect(() => {
  const q = serializeState(page.value);
  save('smoothing', String(page.value.smoothing));
  // Coalesce rapid changes (typing a filter, dragging the slider) into one history write.
  clearTimeout(urlTimer);
  urlTimer = setTimeout(() => {
    if (q !== location.search) history.replaceState(history.state, '', q || location.pathname);
  }, 150);
});

/** The URL of the current view, with changes overriding the page state (for "copy link"). */
export function shareUrl(patch: Partial<PageState> = {}): string {
  const u = new URL(location.href);
  u.search = serializeState({ ...page.value, ...patch });
  u.hash = '';
  return u.toString();
}

// ---- dashboards' own page parameters (`<kind>.<name>` in the URL) ---------------------------------------

/** A dashboard parameter's current value (outside components; components use `usePageParam`). */
export function getPageParam<T>(kind: string, name: string, def: T, codec?: ParamCodec<T>): T {
  return readParam(page.value.extra, kind, name, def, codec ?? (codecFor(def) as ParamCodec<T>));
}

/** Set a dashboard parameter; its default removes it from the URL. */
export function setPageParam<T>(kind: string, name: string, value: T, def: T, codec?: ParamCodec<T>): void {
  const c = codec ?? (codecFor(def) as ParamCodec<T>);
  setPage({ extra: writeParam(page.peek().extra, kind, name, value, def, c) });
}

/**
 * A dashboard's own URL state, `?<kind>.<name>=value`: `[value, set]`. The type follows the default
 * (string, number, boolean) or the codec (`intParam`, `enumParam([...])`, `nullable(intParam)` from
 * `lib/pageParams`). The component re-renders when the value changes; `set` keeps its identity.
 */
export function usePageParam(kind: string, name: string, def: string): [string, (v: string) => void];
export function usePageParam(kind: string, name: string, def: number): [number, (v: number) => void];
export function usePageParam(kind: string, name: string, def: boolean): [boolean, (v: boolean) => void];
export function usePageParam<T>(kind: string, name: string, def: T, codec: ParamCodec<T>): [T, (v: T) => void];
export function usePageParam<T>(kind: string, name: string, def: T, codec?: ParamCodec<T>): [T, (v: T) => void] {
  const value = getPageParam(kind, name, def, codec);
  const latest = useRef({ def, codec });
  latest.current = { def, codec };
  const set = useCallback(
    (v: T) => setPageParam(kind, name, v, latest.current.def, latest.current.codec),
    [kind, name],
  );
  return [value, set];
}

/** Whether the card with this tag is enlarged (`card=` in the URL), and a setter; one card at a time. */
export function useCardEnlarged(tag: string): [boolean, (on: boolean) => void] {
  const enlarged = page.value.card === tag;
  const set = useCallback(
    (on: boolean) => {
      if (on) setPage({ card: tag });
      else if (page.peek().card === tag) setPage({ card: null });
    },
    [tag],
  );
  return [enlarged, set];
}

/** The kind of the dashboard on screen (set by the shell), so the sidebar can mark runs without it. */
export const activeKind = signal<string | null>(null);

// ---- run selection ------------------------------------------------------------------------------------

export const hiddenRuns = computed(() => new Set(page.value.hiddenRuns));
export const runFilter = computed(() => compileFilter(page.value.runFilter));

/** Runs shown in charts: not switched off. (The run filter only narrows the sidebar list.) */
export const selectedRuns = computed(() => runs.value.filter((r) => !hiddenRuns.value.has(r.name)).map((r) => r.name));

export function toggleRun(name: string): void {
  const hidden = new Set(page.value.hiddenRuns);
  if (hidden.has(name)) hidden.delete(name);
  else hidden.add(name);
  setPage({ hiddenRuns: [...hidden] });
}

/** Switch every run matching the run filter on (or off), leaving the others alone. */
export function setRunsMatching(on: boolean): void {
  const f = runFilter.value;
  const match = (n: string) => (f.ok ? f.test(n) : true);
  const hidden = new Set(page.value.hiddenRuns);
  for (const r of runs.value) {
    if (!match(r.name)) continue;
    if (on) hidden.delete(r.name);
    else hidden.add(r.name);
  }
  setPage({ hiddenRuns: [...hidden] });
}

// ---- theme --------------------------------------------------------------------------------------------

export type ThemeChoice = 'system' | 'light' | 'dark';
const savedTheme = load('theme');
export const themeChoice = signal<ThemeChoice>(
  savedTheme === 'light' || savedTheme === 'dark' ? savedTheme : 'system',
);
const media = typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)') : null;
const systemDark = signal(media?.matches ?? false);
media?.addEventListener('change', (e) => {
  systemDark.value = e.matches;
});
export const theme = computed<'light' | 'dark'>(() =>
  themeChoice.value === 'system' ? (systemDark.value ? 'dark' : 'light') : themeChoice.value,
);
effect(() => {
  document.documentElement.dataset.theme = theme.value;
  save('theme', themeChoice.value);
});

// ---- live updates ---------------------------------------------------------------------------------------

export type Connection = 'connecting' | 'open' | 'offline';
export const connection = signal<Connection>('connecting');
/** The user paused live updates: charts keep what they show. */
export const paused = signal(false);
