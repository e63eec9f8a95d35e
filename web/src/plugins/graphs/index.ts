/** The Graphs dashboard's registration: its tab appears when the server reports graphs. */
import type { DashboardPlugin } from '../../app/registry';
import { GraphsDashboard } from './Dashboard';

export const plugin: DashboardPlugin = {
  kind: 'graphs',
  label: 'Graphs',
  order: 50,
  component: GraphsDashboard,
};
