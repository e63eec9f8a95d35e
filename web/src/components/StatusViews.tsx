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

/** One logdir of several, as the server explains it (`empty_reason.logdirs`). */
interface LogdirState {
  name: string;
  path: string;
  code: string;
  message: string;
  contents?: string[];
  suggestion?: string | null;
}

/** The empty reason of several logdirs carries each one's state and the command line with the paths suggested. */
type SeveralReason = EmptyReason & { logdirs?: LogdirState[]; command?: string | null };

export function EmptyReasonView(props: { reason: EmptyReason; logdir: string }) {
  const { reason, logdir } = props;
  const several = (reason as SeveralReason).logdirs ?? [];
  if (several.length > 0) return <SeveralLogdirsView reason={reason as SeveralReason} logdirs={several} />;
  const title = TITLES[reason.code] ?? 'Nothing to show yet';
  // The suggestion is a path as the user would type it where they started Telescope.
  const suggested = reason.suggestion ?? null;
  const listed = reason.contents_of ?? logdir;
  return (
    <section class="empty" data-testid="empty-state" data-reason={reason.code} aria-live="polite">
      <h2>{title}</h2>
      <p>{reason.message}</p>
      {reason.contents && reason.contents.length > 0 && (
        <>
          <p>
            <strong>{listed}</strong> contains:
          </p>
          <ul class="contents" aria-label={`Contents of ${listed}`}>
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
      {!suggested && (reason.code === 'logdir_missing' || reason.code === 'no_event_files') && <WhereToPoint />}
      {reason.code === 'no_scalars' && (
        <p>Scalars appear here as soon as a run logs one (for example with <code>add_scalar</code>).</p>
      )}
    </section>
  );
}

function WhereToPoint() {
  return (
    <p>
      Point Telescope at the folder your training script writes to, e.g. the <code>log_dir</code> of{' '}
      <code>SummaryWriter</code> or <code>tf.keras.callbacks.TensorBoard</code>. New files are picked up as they
      appear.
    </p>
  );
}

/** Several logdirs, none with event files: what each one is, what it holds and where its runs probably are. */
function SeveralLogdirsView(props: { reason: SeveralReason; logdirs: LogdirState[] }) {
  const { reason, logdirs } = props;
  const allMissing = logdirs.every((l) => l.code === 'logdir_missing');
  return (
    <section class="empty" data-testid="empty-state" data-reason={reason.code} aria-live="polite">
      <h2>{allMissing ? 'None of the log directories exists' : 'No TensorBoard event files in these log directories'}</h2>
      <p>
        Telescope serves {logdirs.length} log directories; run names start with each one's name. New files are picked
        up as they appear.
      </p>
      <ul class="logdirs" aria-label="The log directories">
        {logdirs.map((l) => (
          <li key={l.name} data-testid="logdir-state" data-reason={l.code}>
            <p>
              <strong>{l.name}</strong> <code>{l.path}</code>: {LOGDIR_STATES[l.code] ?? l.code}
              {l.suggestion && (
                <>
                  {' '}
                  — did you mean <code>{l.suggestion}</code>?
                </>
              )}
            </p>
            {l.contents && l.contents.length > 0 && (
              <ul class="contents" aria-label={`Contents of ${l.name}`}>
                {l.contents.map((c) => (
                  <li key={c}>{c}</li>
                ))}
              </ul>
            )}
          </li>
        ))}
      </ul>
      {reason.command ? (
        <div class="suggestion" data-testid="suggestion">
          Start Telescope on the directories suggested:
          <pre>{reason.command}</pre>
        </div>
      ) : (
        <WhereToPoint />
      )}
    </section>
  );
}

const LOGDIR_STATES: Record<string, string> = {
  logdir_missing: 'does not exist',
  not_a_directory: 'is a file, not a directory',
  no_event_files: 'holds no event files',
  ok: 'holds event files, not read yet',
};

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
  // Directories that could not be searched: a logdir of several that does not exist, an unreadable folder.
  const unsearched = (props.ingest as IngestStatus & { discovery_errors?: string[] }).discovery_errors ?? [];
  if (!problems?.length && !skipped && !unsearched.length) return null;
  const n = problems?.length || skipped;
  const parts: string[] = [];
  if (n) {
    parts.push(
      `${n} ${n === 1 ? 'problem' : 'problems'} while reading event files` +
        (skipped ? ` (${skipped} damaged ${skipped === 1 ? 'record' : 'records'} skipped)` : ''),
    );
  }
  if (unsearched.length) {
    parts.push(`${unsearched.length} ${unsearched.length === 1 ? 'folder' : 'folders'} not searched`);
  }
  return (
    <details class="banner warn problems" data-testid="problems-banner">
      <summary>{parts.join('; ')}; everything else is shown.</summary>
      <ul>
        {unsearched.slice(0, 20).map((e) => (
          <li key={e}>{e}</li>
        ))}
        {(problems ?? []).slice(0, 20).map((p) => (
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
