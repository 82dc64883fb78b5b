import { API_BASE } from '../core/api-client';
import type { EarlyRequest } from '../core/early-requests';

/**
 * The dashboard's GETs (its `httpResource`s use these), also started at boot by `app.config.ts`
 * when the browser opens the dashboard (`core/early-requests.ts`). The applications doughnut's
 * summary first: it is what the page's charts wait for.
 */
export const DASHBOARD_REQUESTS = {
  summary: { url: `${API_BASE}/flows/summary` },
  hosts: { url: `${API_BASE}/hosts`, params: { sort: 'bytes', order: 'desc', limit: 10 } },
  flows: { url: `${API_BASE}/flows`, params: { sort: 'bytes', order: 'desc', limit: 10 } },
  interfaces: { url: `${API_BASE}/interfaces` },
  engagedAlerts: { url: `${API_BASE}/alerts`, params: { state: 'engaged', limit: 1000, offset: 0 } },
  places: { url: `${API_BASE}/hosts/places` },
} satisfies Record<string, EarlyRequest>;
