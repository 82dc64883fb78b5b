import { Routes } from '@angular/router';

/** `/hosts` (list) and `/hosts/:ip` (detail). */
export const HOSTS_ROUTES: Routes = [
  { path: '', title: 'Hosts', loadComponent: () => import('./host-list/host-list').then((m) => m.HostList) },
  { path: ':ip', title: 'Host', loadComponent: () => import('./host-detail/host-detail').then((m) => m.HostDetailPage) },
];
