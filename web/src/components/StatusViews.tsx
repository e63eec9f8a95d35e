/**
 * What the main area shows when there is nothing to chart yet: why (from the server's `empty_reason`),
 * indexing progress with a skeleton, or an error, always in place of the content.
 */
import type { EmptyReason, IngestStatus } from '../lib/api';
import { formatBytes, formatNumber } from '../lib/format';

export function progressOf(ingest: IngestStatus | undefined | null): number | null {
  if (!ingest || ingest.bytes_total <= 0) return null;
  return Math.min(1, ingest.bytes_read / ingest.bytes_total);
}

const TITLES: Record<string, string> = {
  logdir_missing: 'The log directory does not exist',
  not_a_directory: 'The log directory is a file',
  no_event_files: 'No TensorBoard event files here',
  no_readable_events: 'The event files could not be read',
  no_scalars: 'No scalar data yet',
  no_data: 'No data yet',
};

/** Ingest has not finished its first pass over the logdir. */
export function isIndexing(ingest: IngestStatus | undefined | null): boolean {
  return ingest?.state === 'indexing' || ingest?.state === 'starting';
}

export function EmptyReasonView(props: { reason: EmptyReason; logdir: string }) {
  const { reason, logdir } = props;
  const title = TITLES[reason.code] ?? 'Nothing to show yet';
  // The suggestion is a path as the user would type it where they started Telescope.
  const suggested = reason.suggestion ?? null;
  return (
    <section class="empty" data-testid="empty-state" data-reason={reason.code} aria-live="polite">
      <h2>{title}</h2>
      <p>{reason.message}</p>
      {reason.contents && reason.contents.length > 0 && (
        <>
          <p>
            <strong>{logdir}</strong> contains:
          </p>
          <ul class="contents" aria-label="Contents of the log directory">
            {reason.contents.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </>
      )}
      {suggested && (
        <div class="suggestion" data-testid="suggestion">
          Did you mean <code>{suggested}</code>? Start Telescope on it:
          <pre>telescope --logdir {shellQuote(suggested)}</pre>
        </div>
      )}
      {!suggested && (reason.code === 'logdir_missing' || reason.code === 'no_event_files') && (
        <p>
          Point Telescope at the folder your training script writes to, e.g. the <code>log_dir</code> of{' '}
          <code>SummaryWriter</code> or <code>tf.keras.callbacks.TensorBoard</code>. New files are picked up as they
          appear.
        </p>
      )}
      {reason.code === 'no_scalars' && (
        <p>Scalars appear here as soon as a run logs one (for example with <code>add_scalar</code>).</p>
      )}
    </section>
  );
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function IndexingBanner(props: { ingest: IngestStatus }) {
  const p = progressOf(props.ingest);
  const pct = p === null ? null : Math.floor(p * 100);
  return (
    <div class="banner" role="status" data-testid="indexing-banner">
      <span>
        Indexing {formatNumber(props.ingest.files)} {props.ingest.files === 1 ? 'file' : 'files'}
        {pct !== null && ` — ${pct}%`}
        {props.ingest.bytes_total > 0 &&
          ` (${formatBytes(props.ingest.bytes_read)} of ${formatBytes(props.ingest.bytes_total)})`}
      </span>
      <div
        class="progress"
        role="progressbar"
        aria-label="Indexing progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct ?? undefined}
      >
        <span style={{ width: `${pct ?? 5}%` }} />
      </div>
    </div>
  );
}

export function ProblemsBanner(props: { ingest: IngestStatus }) {
  const { problems, skipped } = props.ingest;
  if (!problems?.length && !skipped) return null;
  const n = problems?.length || skipped;
  return (
    <details class="banner warn problems" data-testid="problems-banner">
      <summary>
        {n} {n === 1 ? 'problem' : 'problems'} while reading event files
        {skipped ? ` (${skipped} damaged ${skipped === 1 ? 'record' : 'records'} skipped)` : ''}; everything else is
        shown.
      </summary>
      <ul>
        {problems.slice(0, 20).map((p) => (
          <li key={`${p.path}:${p.offset}`}>
            <code>{p.path}</code> at byte {p.offset}: {p.message}
          </li>
        ))}
      </ul>
    </details>
  );
}

export function SkeletonGrid(props: { count?: number }) {
  return (
    <div class="grid" aria-busy="true" aria-label="Loading charts" data-testid="skeleton">
      {Array.from({ length: props.count ?? 6 }, (_, i) => (
        <div class="skeleton-card" key={i}>
          <div class="skeleton" />
          <div class="skeleton" />
        </div>
      ))}
    </div>
  );
}

export function ErrorBox(props: { title: string; message: string; onRetry?: () => void }) {
  return (
    <section class="empty error" role="alert">
      <h2>{props.title}</h2>
      <p>{props.message}</p>
      {props.onRetry && (
        <button type="button" class="btn" onClick={props.onRetry}>
          Try again
        </button>
      )}
    </section>
  );
}
