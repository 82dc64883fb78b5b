import { Routes } from '@angular/router';

/** `/flows` (optional `?host=` preset) and `/flows/:ifid/:key` (one flow's details). */
export const FLOWS_ROUTES: Routes = [
  { path: '', title: 'Flows', loadComponent: () => import('./flow-list/flow-list').then((m) => m.FlowList) },
  { path: ':ifid/:key', title: 'Flow', loadComponent: () => import('./flow-detail/flow-detail').then((m) => m.FlowDetailPage) },
];
