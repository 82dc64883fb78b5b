import { Routes } from '@angular/router';
import { knownUserGuard } from '../core/auth-guards';

/** `/login` and `/login/change-password` (the forced first-login change). */
export const LOGIN_ROUTES: Routes = [
  { path: '', title: 'Sign in', loadComponent: () => import('./login').then((m) => m.Login) },
  {
    path: 'change-password',
    title: 'Change password',
    canActivate: [knownUserGuard],
    loadComponent: () => import('./change-password').then((m) => m.ChangePassword),
  },
];
