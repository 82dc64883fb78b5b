import { Routes } from '@angular/router';
import { inject } from '@angular/core';
import { Router } from '@angular/router';
import { Auth } from '../core/auth';

/** `/login` and `/login/change-password` (the forced first-login change). */
export const LOGIN_ROUTES: Routes = [
  { path: '', title: 'Sign in', loadComponent: () => import('./login').then((m) => m.Login) },
  {
    path: 'change-password',
    title: 'Change password',
    canActivate: [() => (inject(Auth).user() ? true : inject(Router).createUrlTree(['/login']))],
    loadComponent: () => import('./change-password').then((m) => m.ChangePassword),
  },
];
