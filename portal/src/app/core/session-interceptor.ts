import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, throwError } from 'rxjs';
import { Auth } from './auth';

/** Calls whose 401 is an answer (wrong password, no session yet), not an expired session. */
const AUTH_CALLS = ['/api/v1/auth/login', '/api/v1/auth/me', '/api/v1/users/me/password'];

/** Sends the user back to the login page when the session cookie has expired. */
export const sessionInterceptor: HttpInterceptorFn = (request, next) => {
  const auth = inject(Auth);
  return next(request).pipe(
    catchError((error: unknown) => {
      if (error instanceof HttpErrorResponse && error.status === 401 && !AUTH_CALLS.some((url) => request.url.startsWith(url))) {
        auth.sessionEnded();
      }
      return throwError(() => error);
    }),
  );
};
