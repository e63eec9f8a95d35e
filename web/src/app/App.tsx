/**
 * The shell: top bar, run sidebar, and the active dashboard, or, when the logdir has nothing to show,
 * the reason why. Starts the status, runs and live-update plumbing.
 */
import { useEffect } from 'preact/hooks';
import { RunSelector } from '../components/RunSelector';
import { EmptyReasonView, ErrorBox, IndexingBanner, SkeletonGrid, isIndexing } from '../components/StatusViews';
import { connect } from './live';
import { dataKindOf, plugins } from './registry';
import { activeKind, page, refreshRuns, refreshStatus, status, statusError } from './store';
import { TopBar } from './TopBar';

export function App() {
  useEffect(() => {
    void refreshStatus();
    void refreshRuns();
    connect();
  }, []);

  const st = status.value;
  // Without a status there is nothing to show: keep asking until the server answers.
  const failing = statusError.value !== null;
  useEffect(() => {
    if (!failing) return;
    const t = setInterval(() => void refreshStatus(), 3000);
    return () => clearInterval(t);
  }, [failing]);

  useEffect(() => {
    document.title = st?.window_title || (st ? `Telescope · ${baseName(st.logdir)}` : 'Telescope');
  }, [st?.window_title, st?.logdir]);

  const tabs = st ? plugins.filter((p) => (st.kinds[dataKindOf(p)] ?? 0) > 0) : [];
  const active = tabs.find((p) => p.kind === page.value.tab) ?? tabs[0] ?? null;
  const Dashboard = active?.component;
  // The sidebar marks runs without the data on screen: a Distributions tab shows histograms data.
  const kind = active ? dataKindOf(active) : null;
  useEffect(() => {
    activeKind.value = kind;
  }, [kind]);

  let main;
  if (!st) {
    main = statusError.value ? (
      <div class="content">
        <ErrorBox
          title="Cannot reach the Telescope server"
          message={`${statusError.value} This page tries again every few seconds; check the terminal where telescope runs.`}
          onRetry={() => void refreshStatus()}
        />
      </div>
    ) : (
      <div class="content">
        <SkeletonGrid />
      </div>
    );
  } else if (Dashboard) {
    main = <Dashboard />;
  } else if (isIndexing(st.ingest) && !st.empty_reason) {
    main = (
      <div class="content">
        <IndexingBanner ingest={st.ingest} />
        <SkeletonGrid />
      </div>
    );
  } else {
    const kinds = Object.entries(st.kinds)
      .filter(([, n]) => n > 0)
      .map(([k]) => k);
    const reason = st.empty_reason ?? {
      code: 'no_scalars',
      message: kinds.length
        ? `This logdir has ${kinds.join(', ')} data, which this version of Telescope cannot show yet.`
        : 'No data has been found in this logdir yet.',
    };
    main = (
      <div class="content">
        <EmptyReasonView reason={reason} logdir={st.logdir} />
      </div>
    );
  }

  return (
    <div class="shell">
      <TopBar tabs={tabs} active={active?.kind ?? null} />
      <RunSelector />
      <main class="main" id="main">
        {main}
      </main>
    </div>
  );
}

function baseName(path: string): string {
  const parts = path.split(/[\\/]+/).filter(Boolean);
  return parts[parts.length - 1] ?? path;
}
