import { Routes } from '@angular/router';

/** `/interfaces` (optional `?id=` to select one). */
export const INTERFACES_ROUTES: Routes = [
  { path: '', title: 'Interfaces', loadComponent: () => import('./interface-list/interface-list').then((m) => m.InterfaceList) },
];
