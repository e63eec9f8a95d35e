/**
 * The live-update stream (`api/events`, server-sent events). Status events refresh the ingest progress;
 * update events are handed to subscribers (dashboards), and new runs refresh the run list.
 * While the user has paused, updates are remembered and delivered in one go on resume.
 */
import type { IngestStatus, UpdateEvent } from '../lib/api';
import { connection, paused, refreshRuns, refreshStatus, status } from './store';

type Listener = (ev: UpdateEvent) => void;
const listeners = new Set<Listener>();
let pending: UpdateEvent | null = null;

/** Subscribe to data updates; returns the unsubscribe function. */
export function onUpdate(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// New data can change what the status says (kinds with data, the reason a logdir looked empty):
// re-read it after updates, at most once a second.
let statusTimer: ReturnType<typeof setTimeout> | undefined;
function refreshStatusSoon(): void {
  if (statusTimer !== undefined) return;
  statusTimer = setTimeout(() => {
    statusTimer = undefined;
    void refreshStatus();
  }, 1000);
}

function deliver(ev: UpdateEvent): void {
  refreshStatusSoon();
  if (ev.new_runs || ev.runs.length > 0) void refreshRuns();
  for (const fn of listeners) fn(ev);
}

function merge(a: UpdateEvent | null, b: UpdateEvent): UpdateEvent {
  if (!a) return b;
  return { runs: [...new Set([...a.runs, ...b.runs])], tags: [...a.tags, ...b.tags], new_runs: a.new_runs || b.new_runs };
}

export function setPaused(p: boolean): void {
  paused.value = p;
  if (!p && pending) {
    const ev = pending;
    pending = null;
    deliver(ev);
  }
}

let source: EventSource | null = null;
let wasIndexing = false;

export function connect(): void {
  if (typeof EventSource !== 'function' || source) return;
  source = new EventSource('api/events');
  connection.value = 'connecting';
  source.onopen = () => {
    // After a reconnect, anything may have changed while we were away.
    if (connection.value === 'offline') {
      void refreshStatus();
      deliver({ runs: [], tags: [], new_runs: true });
    }
    connection.value = 'open';
  };
  source.onerror = () => {
    connection.value = 'offline';
  };
  source.addEventListener('status', (e) => {
    const ingest = JSON.parse((e as MessageEvent<string>).data) as IngestStatus;
    const s = status.value;
    if (s) status.value = { ...s, ingest };
    const indexing = ingest.state === 'indexing';
    // Totals (runs, kinds, empty_reason) change as indexing goes on: re-read them now and then.
    if (indexing || wasIndexing) void refreshStatus();
    wasIndexing = indexing;
  });
  source.addEventListener('update', (e) => {
    const ev = JSON.parse((e as MessageEvent<string>).data) as UpdateEvent;
    if (paused.value) {
      pending = merge(pending, ev);
      return;
    }
    deliver(ev);
  });
}
