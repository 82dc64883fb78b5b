import { HttpClient, HttpContext, HttpContextToken, HttpEvent, HttpInterceptorFn, HttpParams, HttpRequest } from '@angular/common/http';
import { Observable, ReplaySubject, share } from 'rxjs';

/** A GET the first page will make, as `httpResource` is given it: the URL and its query. */
export interface EarlyRequest {
  url: string;
  params?: Record<string, string | number | boolean>;
}

/** An early answer is used only by a request made this soon after it was started, ms (else the page asks again). */
const EARLY_ANSWER_MAX_AGE_MS = 10_000;
/** Marks the early requests themselves (so the interceptor lets them through). */
const EARLY = new HttpContextToken<boolean>(() => false);
/** Early requests by URL with query, each handed to the first identical request and then forgotten. */
const early = new Map<string, { events: Observable<HttpEvent<unknown>>; startedMs: number }>();

function urlWithParams(request: EarlyRequest): string {
  const query = new HttpParams({ fromObject: request.params ?? {} }).toString();
  return query ? `${request.url}?${query}` : request.url;
}

/**
 * Starts the first page's GETs at boot, before its code has loaded and before the session check
 * answered, so the answers are on their way while the page is created (a cold dashboard: its charts'
 * data come with the session check instead of after it). They go through the app's interceptors
 * like every call (a 401 is handled as usual) and carry only the session cookie: the server
 * authenticates each one. The page's own identical request then gets that answer (once; a later
 * reload asks the server again).
 */
export function startEarlyRequests(http: HttpClient, requests: readonly EarlyRequest[]): void {
  for (const request of requests) {
    const key = urlWithParams(request);
    if (early.has(key)) continue;
    const events = http
      .request(new HttpRequest('GET', key, null, { context: new HttpContext().set(EARLY, true) }))
      .pipe(share({ connector: () => new ReplaySubject<HttpEvent<unknown>>(), resetOnError: false, resetOnComplete: false, resetOnRefCountZero: false }));
    // Subscribing sends it; errors reach the page's request (which reports them), not this subscriber.
    events.subscribe({ error: () => undefined });
    early.set(key, { events, startedMs: performance.now() });
  }
}

/** Hands an early request's answer to the page's identical GET (see {@link startEarlyRequests}). */
export const earlyRequestsInterceptor: HttpInterceptorFn = (request, next) => {
  if (request.method !== 'GET' || request.context.get(EARLY)) return next(request);
  const key = request.urlWithParams;
  const hit = early.get(key);
  if (!hit) return next(request);
  early.delete(key);
  return performance.now() - hit.startedMs <= EARLY_ANSWER_MAX_AGE_MS ? hit.events : next(request);
};
