import { Routes } from '@angular/router';
import { adminGuard, signedInGuard } from './core/auth-guards';
import { Dashboard } from './dashboard/dashboard';
import { Shell } from './shell/shell';

/**
 * The signed-in shell and the dashboard (the first page after sign-in, with chart.js) are in the initial
 * bundle: a cold load then fetches one script, where lazy chunks came in a chain of three levels (each
 * level's imports are known only once it has arrived). The other pages are lazy loaded.
 */
export const routes: Routes = [
  { path: 'login', loadChildren: () => import('./login/login.routes').then((m) => m.LOGIN_ROUTES) },
  {
    path: '',
    canActivate: [signedInGuard],
    component: Shell,
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'dashboard' },
      { path: 'dashboard', title: 'Dashboard', component: Dashboard },
      { path: 'hosts', loadChildren: () => import('./hosts/hosts.routes').then((m) => m.HOSTS_ROUTES) },
      { path: 'flows', loadChildren: () => import('./flows/flows.routes').then((m) => m.FLOWS_ROUTES) },
      { path: 'history', loadChildren: () => import('./history/history.routes').then((m) => m.HISTORY_ROUTES) },
      { path: 'alerts', loadChildren: () => import('./alerts/alerts.routes').then((m) => m.ALERTS_ROUTES) },
      { path: 'account', loadChildren: () => import('./account/account.routes').then((m) => m.ACCOUNT_ROUTES) },
      { path: 'interfaces', loadChildren: () => import('./interfaces/interfaces.routes').then((m) => m.INTERFACES_ROUTES) },
      {
        path: 'settings',
        canActivate: [adminGuard],
        loadChildren: () => import('./settings/settings.routes').then((m) => m.SETTINGS_ROUTES),
      },
      { path: 'forbidden', title: 'Not allowed', loadComponent: () => import('./shell/forbidden').then((m) => m.Forbidden) },
    ],
  },
  { path: '**', redirectTo: '' },
];

/** Whether the browser opens the dashboard (`location.pathname`; `/` redirects there). */
export function opensDashboard(path: string): boolean {
  return path === '/' || path === '/dashboard';
}
