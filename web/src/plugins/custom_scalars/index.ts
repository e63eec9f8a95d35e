/** The Custom Scalars dashboard's registration: its tab appears when a run has written a layout. */
import type { DashboardPlugin } from '../../app/registry';
import { CustomScalarsDashboard } from './Dashboard';

export const plugin: DashboardPlugin = {
  kind: 'custom_scalars',
  label: 'Custom Scalars',
  order: 5,
  component: CustomScalarsDashboard,
};
