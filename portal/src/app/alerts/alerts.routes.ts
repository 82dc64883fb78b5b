import { Routes } from '@angular/router';

/** `/alerts`: engaged and past alerts; `/alerts/:id`: one alert. */
export const ALERTS_ROUTES: Routes = [
  { path: '', title: 'Alerts', loadComponent: () => import('./alert-list/alert-list').then((m) => m.AlertList) },
  { path: ':id', title: 'Alert', loadComponent: () => import('./alert-detail/alert-detail').then((m) => m.AlertDetailPage) },
];
