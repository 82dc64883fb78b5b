import { Routes } from '@angular/router';

/** `/history` (optional `?from=&to=` in ms or ISO 8601, `?host=`, `?application=`). */
export const HISTORY_ROUTES: Routes = [{ path: '', title: 'History', loadComponent: () => import('./history').then((m) => m.History) }];
