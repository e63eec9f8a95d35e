/** The Text dashboard's registration: its tab appears when the server reports text tags. */
import type { DashboardPlugin } from '../../app/registry';
import { TextDashboard } from './Dashboard';

export const plugin: DashboardPlugin = {
  kind: 'text',
  label: 'Text',
  order: 60,
  component: TextDashboard,
};
