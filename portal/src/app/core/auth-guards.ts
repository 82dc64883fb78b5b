import { inject } from '@angular/core';
import { CanActivateFn, Router, UrlTree } from '@angular/router';
import { Auth } from './auth';

/** Where a page of the signed-in area sends the browser instead, or null when it may open. */
function signedInRedirect(auth: Auth, router: Router, url: string): UrlTree | null {
  if (!auth.user()) return router.createUrlTree(['/login'], { queryParams: { next: url } });
  if (auth.mustChangePassword()) return router.createUrlTree(['/login/change-password']);
  return null;
}

/**
 * Signed-in users only; a pending first-login password change comes first.
 *
 * The first page of a cold load does not wait for the start-up session check (`GET /auth/me`): it
 * renders while the check is under way, and its API calls and WebSocket are authenticated by the
 * server as always (nothing is shown that the server did not answer to this session). Once the
 * check answers, a signed-out browser is sent to the sign-in page (this page as `next`) and a
 * pending password change to its page. Later navigations are checked at once, as before.
 */
export const signedInGuard: CanActivateFn = (_route, state) => {
  const auth = inject(Auth);
  const router = inject(Router);
  if (!auth.known()) {
    void auth.restoreSession().then(() => {
      const redirect = signedInRedirect(auth, router, router.navigated ? router.url : state.url);
      if (redirect) void router.navigateByUrl(redirect);
    });
    return true;
  }
  return signedInRedirect(auth, router, state.url) ?? true;
};

/** Admin role only; a viewer lands on an explanation instead of a page of 403s. Waits for the session check. */
export const adminGuard: CanActivateFn = async (_route, state) => {
  const auth = inject(Auth);
  const router = inject(Router);
  await auth.restoreSession();
  if (auth.isAdmin()) return true;
  if (!auth.user()) return router.createUrlTree(['/login'], { queryParams: { next: state.url } });
  return router.createUrlTree(['/forbidden'], { queryParams: { page: state.url } });
};

/** A page that needs to know the user (the first-login password change): waits for the session check. */
export const knownUserGuard: CanActivateFn = async () => {
  const auth = inject(Auth);
  const router = inject(Router);
  await auth.restoreSession();
  return auth.user() ? true : router.createUrlTree(['/login']);
};
