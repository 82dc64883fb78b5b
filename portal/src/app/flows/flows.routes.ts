import { Routes } from '@angular/router';

/** `/flows` (optional `?host=` preset). */
export const FLOWS_ROUTES: Routes = [{ path: '', title: 'Flows', loadComponent: () => import('./flow-list/flow-list').then((m) => m.FlowList) }];
