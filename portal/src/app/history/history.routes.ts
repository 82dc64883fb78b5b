import { Routes } from '@angular/router';

/**
 * `/history` (optional `?from=&to=` in ms or ISO 8601, `?host=`, `?application=`, `?probe=`);
 * `/history/probes`: the probes writing into the store.
 */
export const HISTORY_ROUTES: Routes = [
  { path: '', title: 'History', loadComponent: () => import('./history').then((m) => m.History) },
  { path: 'probes', title: 'Probes', loadComponent: () => import('./probes').then((m) => m.HistoryProbes) },
];
