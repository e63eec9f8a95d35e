/** The PR Curves dashboard's registration: its tab appears when the server reports PR-curve tags. */
import type { DashboardPlugin } from '../../app/registry';
import { PrCurvesDashboard } from './Dashboard';

export const plugin: DashboardPlugin = {
  kind: 'pr_curves',
  label: 'PR Curves',
  order: 70,
  component: PrCurvesDashboard,
};
