/**
 * The HTTP API client. Every path is relative to the page (`api/...`, never `/api/...`) so the UI works
 * when the server runs under a path prefix. Errors carry the server's message from its error JSON.
 * Types follow each kind's `http_api.md`; float columns are `WireValue`s (non-finite values come as strings:
 * read them with `parseValues`/`parseRows` from `values.ts`).
 */
import type { WireValue } from './values';

export interface IngestProblem {
  path: string;
  offset: number;
  kind: string;
  message: string;
}

export interface IngestStatus {
  state: 'indexing' | 'live' | string;
  files: number;
  bytes_total: number;
  bytes_read: number;
  records: number;
  skipped: number;
  last_update: number | null;
  problems: IngestProblem[];
}

export interface EmptyReason {
  code: 'logdir_missing' | 'no_event_files' | 'no_scalars' | string;
  message: string;
  contents?: string[];
  /** The directory `contents` lists: the logdir, or the nearest existing parent of a missing one. */
  contents_of?: string | null;
  suggestion?: string | null;
}

export interface Status {
  version: string;
  logdir: string;
  logdir_exists: boolean;
  window_title: string | null;
  runs: number;
  kinds: Record<string, number>;
  ingest: IngestStatus;
  empty_reason: EmptyReason | null;
}

export interface RunInfo {
  name: string;
  kinds: string[];
  first_wall_time: number | null;
  last_wall_time: number | null;
}

export interface TagInfo {
  tag: string;
  runs: string[];
  display_name: string;
  description: string;
}

export interface ScalarSeriesWire {
  run: string;
  steps: number[];
  wall_times: number[];
  values: (WireValue | null)[];
  total: number;
  downsampled: boolean;
  /** With `hidden=true`: which points a restart overwrote. */
  hidden?: boolean[];
}

export interface ScalarsResponse {
  tag: string;
  series: ScalarSeriesWire[];
}

// ---- histograms and distributions (src/telescope/plugins/histograms/http_api.md) ------------------------

interface HistogramsColumns {
  run: string;
  tag: string;
  steps: number[];
  wall_times: number[];
  /** Per step, one count per bucket. */
  counts: WireValue[][];
}

/**
 * Every step of one histogram tag in one run. Without `bins`, each step has its own `edges`
 * (`len(edges[i]) == len(counts[i]) + 1`; an empty histogram has none); with `bins`, one shared `edges`.
 */
export type HistogramsResponse =
  | (HistogramsColumns & { shared: false; edges: WireValue[][] })
  | (HistogramsColumns & { shared: true; edges: WireValue[] });

export interface DistributionsResponse {
  run: string;
  tag: string;
  steps: number[];
  wall_times: number[];
  /** In 1/100 of a percent: min, -1.5σ, -1σ, -0.5σ, median, +0.5σ, +1σ, +1.5σ, max. */
  basis_points: number[];
  /** `percentiles[j][i]`: the value at `basis_points[j]` at step `steps[i]`. */
  percentiles: WireValue[][];
}

// ---- images and audio (blob kinds) ----------------------------------------------------------------------

/** One image or audio series (`api/images/tags`, `api/audio/tags`): a run and tag, not grouped by tag. */
export interface BlobSeriesInfo {
  run: string;
  tag: string;
  display_name: string;
  description: string;
  /** How many steps hold items. */
  steps: number;
  /** The most items written at one step (a batch). */
  samples: number;
}

export interface BlobStep<Item> {
  step: number;
  wall_time: number;
  /** In the order they were written. */
  items: Item[];
}

export interface BlobSeriesResponse<Item> {
  run: string;
  tag: string;
  display_name: string;
  description: string;
  steps: BlobStep<Item>[];
}

export interface ImageItem {
  index: number;
  width: number;
  height: number;
  /** `png`, `jpeg`, `gif` (PyTorch's `add_video`), `bmp` or `webp`. */
  format: string;
  content_type: string;
  /** Bytes. */
  length: number;
  /** Relative to the app root (`api/blobs/17?v=…`): show it through `blobUrl`. */
  url: string;
}

export interface AudioItem {
  index: number;
  content_type: string;
  /** `wav`, `ogg`, `flac` or `mp3`. */
  format: string;
  sample_rate: number | null;
  num_channels: number | null;
  length_frames: number | null;
  /** Seconds. */
  duration: number | null;
  /** The clip's Markdown label as written (may be empty). */
  label: string;
  length: number;
  url: string;
}

export type ImagesResponse = BlobSeriesResponse<ImageItem>;
export type AudioResponse = BlobSeriesResponse<AudioItem>;

// ---- text ---------------------------------------------------------------------------------------------------

/** A rank-0 sample is one Markdown string; any other a table: rows of cells. Raw: render and sanitise it. */
export type TextSample = string | string[][];

export interface TextResponse {
  run: string;
  tag: string;
  steps: number[];
  wall_times: number[];
  /** Each sample's tensor shape (`[]` for a single string). */
  shapes: number[][];
  text: TextSample[];
}

// ---- PR curves ----------------------------------------------------------------------------------------------

/** Every column holds one array per step, one value per threshold. */
export interface PrCurvesResponse {
  run: string;
  tag: string;
  steps: number[];
  wall_times: number[];
  thresholds: WireValue[][];
  precision: WireValue[][];
  recall: WireValue[][];
  tp: WireValue[][];
  fp: WireValue[][];
  tn: WireValue[][];
  fn: WireValue[][];
}

// ---- custom scalars -------------------------------------------------------------------------------------

export type CustomScalarsChart =
  | {
      title: string;
      kind: 'multiline';
      /** Regular expressions, matched at the start of scalar tags. */
      tags: string[];
    }
  | { title: string; kind: 'margin'; series: { value: string; lower: string; upper: string }[] }
  /** A chart of a kind this server does not know. */
  | { title: string; kind: null };

export interface CustomScalarsCategory {
  title: string;
  closed: boolean;
  charts: CustomScalarsChart[];
}

export interface CustomScalarsLayout {
  /** The runs whose layouts were merged (none: no layout, no categories). */
  runs: string[];
  categories: CustomScalarsCategory[];
}

export interface UpdateEvent {
  runs: string[];
  tags: { run: string; tag: string; kind: string }[];
  new_runs: boolean;
}

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Fetch JSON from an API path; throws ApiError with the server's message on failure. */
export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let resp: Response;
  try {
    resp = await fetch(path, { signal, headers: { accept: 'application/json' } });
  } catch (e) {
    if (e instanceof DOMException && e.name === 'AbortError') throw e;
    throw new ApiError('Cannot reach the Telescope server. Is it still running?', 0, 'network');
  }
  if (!resp.ok) {
    let message = `${resp.status} ${resp.statusText}`.trim();
    let code = 'http_error';
    try {
      const body = (await resp.json()) as { error?: { message?: string; code?: string } };
      if (body.error?.message) message = body.error.message;
      if (body.error?.code) code = body.error.code;
    } catch {
      // not JSON: keep the status line
    }
    throw new ApiError(message, resp.status, code);
  }
  return (await resp.json()) as T;
}

function query(params: Record<string, string | number | boolean | readonly string[] | null | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v == null) continue;
    if (Array.isArray(v)) for (const item of v) p.append(k, String(item));
    else p.set(k, String(v));
  }
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const api = {
  status: (signal?: AbortSignal) => getJson<Status>('api/status', signal),
  runs: (signal?: AbortSignal) => getJson<{ runs: RunInfo[] }>('api/runs', signal),
  tags: (kind: string, signal?: AbortSignal) =>
    getJson<{ kind: string; tags: TagInfo[] }>(`api/tags${query({ kind })}`, signal),
  scalars: (
    opts: {
      tag: string;
      runs: readonly string[];
      minStep?: number | null;
      maxStep?: number | null;
      points?: number;
      hidden?: boolean;
    },
    signal?: AbortSignal,
  ) =>
    getJson<ScalarsResponse>(
      `api/scalars${query({
        tag: opts.tag,
        run: opts.runs,
        min_step: opts.minStep ?? null,
        max_step: opts.maxStep ?? null,
        points: opts.points ?? null,
        hidden: opts.hidden ? 'true' : null,
      })}`,
      signal,
    ),

  histograms: (opts: { run: string; tag: string; bins?: number | null }, signal?: AbortSignal) =>
    getJson<HistogramsResponse>(`api/histograms${query({ run: opts.run, tag: opts.tag, bins: opts.bins ?? null })}`, signal),
  distributions: (opts: { run: string; tag: string }, signal?: AbortSignal) =>
    getJson<DistributionsResponse>(`api/distributions${query({ run: opts.run, tag: opts.tag })}`, signal),

  /** Image series with their step and batch counts (all runs when `runs` is omitted). */
  imageSeries: (runs?: readonly string[] | null, signal?: AbortSignal) =>
    getJson<{ tags: BlobSeriesInfo[] }>(`api/images/tags${query({ run: runs ?? null })}`, signal),
  images: (opts: StepWindow, signal?: AbortSignal) => getJson<ImagesResponse>(`api/images${stepWindow(opts)}`, signal),

  /** Audio series with their step and batch counts (all runs when `runs` is omitted). */
  audioSeries: (runs?: readonly string[] | null, signal?: AbortSignal) =>
    getJson<{ tags: BlobSeriesInfo[] }>(`api/audio/tags${query({ run: runs ?? null })}`, signal),
  audio: (opts: StepWindow, signal?: AbortSignal) => getJson<AudioResponse>(`api/audio${stepWindow(opts)}`, signal),

  text: (opts: { run: string; tag: string }, signal?: AbortSignal) =>
    getJson<TextResponse>(`api/text${query({ run: opts.run, tag: opts.tag })}`, signal),

  /** Every step, or only `step` (404 `not_found` when that step has no curve). */
  prCurves: (opts: { run: string; tag: string; step?: number | null }, signal?: AbortSignal) =>
    getJson<PrCurvesResponse>(`api/pr_curves${query({ run: opts.run, tag: opts.tag, step: opts.step ?? null })}`, signal),

  customScalarsLayout: (signal?: AbortSignal) => getJson<CustomScalarsLayout>('api/custom_scalars/layout', signal),
};

/** One series, optionally limited to a window of steps (both ends included). */
export interface StepWindow {
  run: string;
  tag: string;
  minStep?: number | null;
  maxStep?: number | null;
}

function stepWindow(w: StepWindow): string {
  return query({ run: w.run, tag: w.tag, min_step: w.minStep ?? null, max_step: w.maxStep ?? null });
}

/** The URL of the exact export of a tag (every point), for a download link. */
export function exportUrl(tag: string, runs: readonly string[], format: 'csv' | 'json', hidden = false): string {
  return `api/scalars/export${query({ tag, run: runs, format, hidden: hidden ? 'true' : null })}`;
}

/**
 * An item's URL from a listing (`api/blobs/17?v=…`, relative to the app root) as an absolute URL under
 * `appRoot` (the page's address; its query and last path segment are ignored). A URL that would leave the
 * app (another origin, `../` above the root, a `javascript:` scheme) gives null.
 */
export function resolveAppUrl(url: string, appRoot: string): string | null {
  let root: URL;
  try {
    root = new URL(appRoot);
  } catch {
    return null;
  }
  root.search = '';
  root.hash = '';
  root.pathname = root.pathname.replace(/[^/]*$/, '');
  // Listings give root-relative URLs; one starting with "/" or "./" still means the app root, not the host's.
  const rel = url.trim().replace(/^(\.\/)+/, '').replace(/^\/+/, '');
  if (/^[a-z][a-z0-9+.-]*:/i.test(rel)) return null;
  let out: URL;
  try {
    out = new URL(rel, root);
  } catch {
    return null;
  }
  if (out.origin !== root.origin || !out.pathname.startsWith(root.pathname)) return null;
  return out.href;
}

/** An item's URL (image, audio clip) for `src`/`href`; empty (nothing loads) if it would leave the app. */
export function blobUrl(url: string): string {
  return resolveAppUrl(url, document.baseURI) ?? '';
}
