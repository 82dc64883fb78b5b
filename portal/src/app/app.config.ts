import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { ApplicationConfig, inject, provideAppInitializer, provideBrowserGlobalErrorListeners, provideZoneChangeDetection } from '@angular/core';
import { TitleStrategy, provideRouter, withComponentInputBinding, withInMemoryScrolling } from '@angular/router';
import { preloadFirstPage, routes } from './app.routes';
import { LiveSocket } from './core/live-socket';
import { Auth } from './core/auth';
import { PageTitle } from './core/page-title';
import { sessionInterceptor } from './core/session-interceptor';

export const appConfig: ApplicationConfig = {
  providers: [
    provideBrowserGlobalErrorListeners(),
    provideZoneChangeDetection({ eventCoalescing: true }),
    provideRouter(routes, withComponentInputBinding(), withInMemoryScrolling({ anchorScrolling: "enabled", scrollPositionRestoration: "enabled" })),
    provideHttpClient(withInterceptors([sessionInterceptor])),
    { provide: TitleStrategy, useClass: PageTitle },
    // Know who is signed in before the first route guard runs. Meanwhile the first page's code loads, and once
    // the session is known the live socket opens (a cold dashboard's throughput backlog is on its way while the
    // page renders, not after the shell is created).
    provideAppInitializer(() => {
      const auth = inject(Auth);
      const live = inject(LiveSocket);
      preloadFirstPage(location.pathname);
      return auth.restoreSession().then(() => {
        if (auth.user() && !auth.mustChangePassword()) live.start();
      });
    }),
  ],
};
