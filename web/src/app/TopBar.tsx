/**
 * The top bar: product name, logdir, a tab per dashboard whose kind has data (a dashboard's `dataKind`), the live
 * indicator and the theme switch.
 */
import { Logo, Monitor, Moon, Sun } from '../components/Icons';
import { isIndexing, progressOf } from '../components/StatusViews';
import { formatAgo } from '../lib/format';
import { setPaused } from './live';
import { type DashboardPlugin, dataKindOf } from './registry';
import { type ThemeChoice, connection, paused, setPage, status, themeChoice } from './store';

export function TopBar(props: { tabs: DashboardPlugin[]; active: string | null }) {
  const st = status.value;
  return (
    <header class="topbar">
      <div class="brand">
        <Logo />
        <span>Telescope</span>
      </div>
      {st && (
        <span class="logdir" title={st.logdir} data-testid="logdir">
          {/* bidi isolate: keeps the path's characters in order inside the rtl (end-visible) box */}
          <bdi>{st.logdir}</bdi>
        </span>
      )}
      <nav class="tabs" role="tablist" aria-label="Dashboards">
        {props.tabs.map((p) => (
          <button
            type="button"
            role="tab"
            key={p.kind}
            class="tab"
            data-tab={p.kind}
            data-kind={dataKindOf(p)}
            aria-selected={props.active === p.kind}
            onClick={() => setPage({ tab: p.kind, card: null })}
          >
            {p.label}
          </button>
        ))}
      </nav>
      <span class="spacer" />
      <LiveIndicator />
      <ThemeSwitch />
    </header>
  );
}

function LiveIndicator() {
  const st = status.value;
  const ingest = st?.ingest;
  let state: 'offline' | 'paused' | 'indexing' | 'live' | 'connecting';
  let text: string;
  let title: string;
  const p = progressOf(ingest);
  if (connection.value === 'offline') {
    state = 'offline';
    text = 'Offline';
    title = 'Lost the connection to the server; retrying. Charts keep what they show.';
  } else if (paused.value) {
    state = 'paused';
    text = 'Paused';
    title = 'Live updates are paused. Click to resume.';
  } else if (isIndexing(ingest)) {
    state = 'indexing';
    text = ingest?.state === 'starting' ? 'Starting' : p === null ? 'Indexing' : `Indexing ${Math.floor(p * 100)}%`;
    title = `Reading ${ingest?.files ?? 0} event files. Charts fill in as data arrives. Click to pause updates.`;
  } else if (connection.value === 'connecting' || !ingest) {
    state = 'connecting';
    text = 'Connecting';
    title = 'Connecting to the live-update stream.';
  } else {
    state = 'live';
    text = 'Live';
    title = `Up to date${ingest.last_update ? `; last new data ${formatAgo(ingest.last_update)}` : ''}. Click to pause updates.`;
  }
  return (
    <button
      type="button"
      class="live"
      data-state={state}
      data-testid="live-indicator"
      title={title}
      aria-label={`${text}. ${title}`}
      aria-pressed={paused.value}
      onClick={() => setPaused(!paused.value)}
    >
      <span class="dot" aria-hidden="true" />
      <span>{text}</span>
      {state === 'indexing' && p !== null && (
        <span class="meter" aria-hidden="true">
          <span style={{ width: `${Math.floor(p * 100)}%` }} />
        </span>
      )}
    </button>
  );
}

const NEXT: Record<ThemeChoice, ThemeChoice> = { system: 'light', light: 'dark', dark: 'system' };
const LABEL: Record<ThemeChoice, string> = {
  system: 'Theme: follows the system',
  light: 'Theme: light',
  dark: 'Theme: dark',
};

function ThemeSwitch() {
  const choice = themeChoice.value;
  return (
    <button
      type="button"
      class="icon-btn"
      data-testid="theme-switch"
      data-theme-choice={choice}
      aria-label={`${LABEL[choice]}. Click for ${LABEL[NEXT[choice]].toLowerCase().replace('theme: ', '')}.`}
      title={`${LABEL[choice]} (click to change)`}
      onClick={() => (themeChoice.value = NEXT[choice])}
    >
      {choice === 'system' ? <Monitor /> : choice === 'light' ? <Sun /> : <Moon />}
    </button>
  );
}
