import { Routes } from '@angular/router';

/** `/settings/*` (admin only, guarded in app.routes.ts). */
export const SETTINGS_ROUTES: Routes = [
  {
    path: '',
    loadComponent: () => import('./settings-layout').then((m) => m.SettingsLayout),
    children: [
      { path: '', pathMatch: 'full', redirectTo: 'general' },
      { path: 'general', title: 'Settings · General', loadComponent: () => import('./general-settings/general-settings').then((m) => m.GeneralSettings) },
      { path: 'checks', title: 'Settings · Checks', loadComponent: () => import('./check-settings/check-settings').then((m) => m.CheckSettings) },
      { path: 'recipients', title: 'Settings · SIEM recipients', loadComponent: () => import('./recipients/recipients').then((m) => m.Recipients) },
      { path: 'ipfix', title: 'Settings · IPFIX export', loadComponent: () => import('./ipfix-collectors/ipfix-collectors').then((m) => m.IpfixCollectors) },
      { path: 'users', title: 'Settings · Users and tokens', loadComponent: () => import('./users/users').then((m) => m.Users) },
      { path: 'system', title: 'Settings · System', loadComponent: () => import('./system-info/system-info').then((m) => m.SystemInfoPage) },
    ],
  },
];
