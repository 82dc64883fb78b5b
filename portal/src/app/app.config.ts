import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { ApplicationConfig, inject, provideAppInitializer, provideBrowserGlobalErrorListeners, provideZonelessChangeDetection } from '@angular/core';
import { TitleStrategy, provideRouter, withComponentInputBinding, withInMemoryScrolling } from '@angular/router';
import { opensDashboard, routes } from './app.routes';
import { DASHBOARD_REQUESTS } from './dashboard/dashboard-requests';
import { earlyRequestsInterceptor, startEarlyRequests } from './core/early-requests';
import { LiveSocket } from './core/live-socket';
import { Auth } from './core/auth';
import { PageTitle } from './core/page-title';
import { sessionInterceptor } from './core/session-interceptor';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    // No zone.js: every component is OnPush and reads signals (`httpResource`, `signal`, `computed`), which tell
    // Angular what to refresh; a cold load saves zone.js's script and its wrapping of every task.
    provideZonelessChangeDetection(),
    provideRouter(routes, withComponentInputBinding(), withInMemoryScrolling({ anchorScrolling: "enabled", scrollPositionRestoration: "enabled" })),
    provideHttpClient(withInterceptors([sessionInterceptor, earlyRequestsInterceptor])),
    { provide: TitleStrategy, useClass: PageTitle },
    // A cold load does not wait for the session check (`GET /auth/me`) to render the first page: the check, the
    // first page's API calls and the live socket all start here at once, so a cold dashboard's charts get their
    // data (summary, throughput backlog) with the session check instead of after it. The server
    // authenticates every one of them; once the check answers, a signed-out browser goes to the sign-in page
    // (`auth-guards.ts`).
    provideAppInitializer(() => {
      const auth = inject(Auth);
      const live = inject(LiveSocket);
      const http = inject(HttpClient);
      const path = location.pathname;
      const session = auth.restoreSession();
      if (!path.startsWith('/login')) {
        if (opensDashboard(path)) startEarlyRequests(http, Object.values(DASHBOARD_REQUESTS));
        live.start();
        void session.then(() => {
          if (!auth.user() || auth.mustChangePassword()) live.stop();
        });
      }
    }),
  ],
};
