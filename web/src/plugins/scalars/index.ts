/** The Scalars dashboard's registration: its tab appears when the server reports scalar tags. */
import type { DashboardPlugin } from '../../app/registry';
import { ScalarsDashboard } from './Dashboard';

export const plugin: DashboardPlugin = {
  kind: 'scalars',
  label: 'Scalars',
  order: 0,
  component: ScalarsDashboard,
};
