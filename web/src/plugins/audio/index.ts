/** The Audio dashboard's registration: its tab appears when the server reports audio series. */
import type { DashboardPlugin } from '../../app/registry';
import { AudioDashboard } from './Dashboard';

export const plugin: DashboardPlugin = {
  kind: 'audio',
  label: 'Audio',
  order: 20,
  component: AudioDashboard,
};
