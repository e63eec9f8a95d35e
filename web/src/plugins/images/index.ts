/** The Images dashboard's registration: its tab appears when the server reports image series. */
import type { DashboardPlugin } from '../../app/registry';
import { ImagesDashboard } from './Dashboard';

export const plugin: DashboardPlugin = {
  kind: 'images',
  label: 'Images',
  order: 10,
  component: ImagesDashboard,
};
