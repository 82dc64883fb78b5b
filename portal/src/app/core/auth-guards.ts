import { inject } from '@angular/core';
import { CanActivateFn, Router } from '@angular/router';
import { Auth } from './auth';

/** Signed-in users only; a pending first-login password change comes first. */
export const signedInGuard: CanActivateFn = (_route, state) => {
  const auth = inject(Auth);
  const router = inject(Router);
  if (!auth.user()) return router.createUrlTree(['/login'], { queryParams: { next: state.url } });
  if (auth.mustChangePassword()) return router.createUrlTree(['/login/change-password']);
  return true;
};

/** Admin role only; a viewer lands on an explanation instead of a page of 403s. */
export const adminGuard: CanActivateFn = (_route, state) => {
  const auth = inject(Auth);
  const router = inject(Router);
  if (auth.isAdmin()) return true;
  return router.createUrlTree(['/forbidden'], { queryParams: { page: state.url } });
};
