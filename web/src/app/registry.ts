/**
 * Dashboard registry. Each data kind lives in `src/plugins/<kind>/index.ts` and exports `plugin`;
 * folders are picked up automatically, so adding a kind edits no file here. A tab appears only when
 * the server reports data of that kind.
 */
import type { ComponentType } from 'preact';

export interface DashboardPlugin {
  /** The kind, as in the API (`scalars`) and the plugin folder name. */
  kind: string;
  /** The tab label. */
  label: string;
  /** Tabs are ordered by this, then by label. */
  order: number;
  component: ComponentType;
}

const modules = import.meta.glob<{ plugin: DashboardPlugin }>('../plugins/*/index.ts', { eager: true });

export const plugins: DashboardPlugin[] = Object.values(modules)
  .map((m) => m.plugin)
  .filter((p): p is DashboardPlugin => p != null)
  .sort((a, b) => a.order - b.order || a.label.localeCompare(b.label));

export function pluginFor(kind: string): DashboardPlugin | undefined {
  return plugins.find((p) => p.kind === kind);
}
