import { Routes } from '@angular/router';

/** `/alerts`: engaged and past alerts. */
export const ALERTS_ROUTES: Routes = [{ path: '', title: 'Alerts', loadComponent: () => import('./alert-list/alert-list').then((m) => m.AlertList) }];
