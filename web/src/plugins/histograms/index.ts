/**
 * The Histograms and Distributions dashboards: two views of one kind's data (`histograms`), each with
 * its own tab, shown when the server reports histogram tags.
 */
import type { DashboardPlugin } from '../../app/registry';
import { DistributionsDashboard } from './DistributionsDashboard';
import { HistogramsDashboard } from './HistogramsDashboard';

export const plugins: DashboardPlugin[] = [
  { kind: 'histograms', label: 'Histograms', order: 40, component: HistogramsDashboard },
  { kind: 'distributions', dataKind: 'histograms', label: 'Distributions', order: 41, component: DistributionsDashboard },
];
