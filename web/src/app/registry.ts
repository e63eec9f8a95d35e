/**
 * Dashboard registry. Each data kind lives in `src/plugins/<kind>/index.ts` and exports `plugin` (or
 * `plugins`, when one kind's data has several views, e.g. Histograms and Distributions); folders are
 * picked up automatically, so adding a kind edits no file here. A tab appears only when the server
 * reports data of the kind it shows (`dataKind`).
 */
import type { ComponentType } from 'preact';

export interface DashboardPlugin {
  /** The tab's identity in the URL (`tab=`): the kind, as in the API (`scalars`) and the plugin folder name. */
  kind: string;
  /**
   * The kind whose data makes the tab appear and whose runs the sidebar marks (default: `kind`), so a
   * second view of one kind's data (`distributions` of `histograms`) can have its own tab.
   */
  dataKind?: string;
  /** The tab label. */
  label: string;
  /** Tabs are ordered by this, then by label. */
  order: number;
  component: ComponentType;
}

interface PluginModule {
  plugin?: DashboardPlugin;
  plugins?: DashboardPlugin[];
}

const modules = import.meta.glob<PluginModule>('../plugins/*/index.ts', { eager: true });

export const plugins: DashboardPlugin[] = Object.values(modules)
  .flatMap((m) => [...(m.plugin ? [m.plugin] : []), ...(m.plugins ?? [])])
  .sort((a, b) => a.order - b.order || a.label.localeCompare(b.label));

/** The kind whose data a dashboard shows. */
export function dataKindOf(p: DashboardPlugin): string {
  return p.dataKind ?? p.kind;
}

export function pluginFor(kind: string): DashboardPlugin | undefined {
  return plugins.find((p) => p.kind === kind);
}
