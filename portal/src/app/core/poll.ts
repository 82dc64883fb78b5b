import { DestroyRef, inject } from '@angular/core';

/** Something that can fetch again while keeping its current value on screen (an `httpResource`). */
interface Reloadable {
  reload(): boolean;
}

/**
 * Reloads `resources` every `periodMs` while the tab is visible; stops with the
 * component. Call in an injection context (a field initialiser or constructor).
 */
export function pollEvery(periodMs: number, ...resources: Reloadable[]): void {
  const timer = setInterval(() => {
    if (document.visibilityState !== 'visible') return;
    for (const resource of resources) resource.reload();
  }, periodMs);
  inject(DestroyRef).onDestroy(() => clearInterval(timer));
}

/** Query parameters for `httpResource`, without the empty ones (so the server applies its defaults). */
export function queryParams(query: object): Record<string, string | number | boolean> {
  const params: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params[key] = value as string | number | boolean;
  }
  return params;
}
