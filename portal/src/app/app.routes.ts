import { Routes } from '@angular/router';
import { adminGuard, signedInGuard } from './core/auth-guards';

export const routes: Routes = [
  { path: 'login', loadChildren: () => import('./login/login.routes').then((m) => m.LOGIN_ROUTES) },
  {
    path: '',
    canActivate: [signedInGuard],
    loadComponent: () => import('./shell/shell').then((m) => m.Shell),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'dashboard' },
      { path: 'dashboard', title: 'Dashboard', loadComponent: () => import('./dashboard/dashboard').then((m) => m.Dashboard) },
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

/**
 * Starts loading the code of the page the browser opens first (the signed-in shell and, for `/` and
 * `/dashboard`, the dashboard with chart.js) while the session is checked: the router asks for it only
 * after that check. The router then finds the modules loaded. (Putting them in the initial bundle instead
 * cost the page about 170 ms more main-thread script time in the benchmark: docs/portal.md, Performance.)
 */
export function preloadFirstPage(path: string): void {
  if (path.startsWith('/login')) return;
  void import('./shell/shell');
  if (path === '/' || path.startsWith('/dashboard')) void import('./dashboard/dashboard');
}
