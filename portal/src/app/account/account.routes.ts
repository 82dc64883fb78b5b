import { Routes } from '@angular/router';

/** `/account`: the signed-in user's password and API tokens (any role). */
export const ACCOUNT_ROUTES: Routes = [{ path: '', title: 'My account', loadComponent: () => import('./account').then((m) => m.AccountPage) }];
