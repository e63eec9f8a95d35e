/**
 * The HTTP API client. Every path is relative to the page (`api/...`, never `/api/...`) so the UI works
 * when the server runs under a path prefix. Errors carry the server's message from its error JSON.
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
};

/** The URL of the exact export of a tag (every point), for a download link. */
export function exportUrl(tag: string, runs: readonly string[], format: 'csv' | 'json', hidden = false): string {
  return `api/scalars/export${query({ tag, run: runs, format, hidden: hidden ? 'true' : null })}`;
}
