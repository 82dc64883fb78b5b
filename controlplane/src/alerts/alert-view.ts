import type { AlertEventV1 } from '../siem/formats/alert-event';

/**
 * An alert as GET /api/v1/alerts answers it: the v1 event plus its state in
 * the probe. Plain types only, so the portal can `import type` it.
 */
export type AlertView = AlertEventV1 & {
  state: 'engaged' | 'past';
  ifid: number;
  acknowledged: boolean;
  acknowledged_by: string | null;
  /** UNIX seconds. */
  acknowledged_at: number | null;
};

/** GET /api/v1/alerts response. */
export interface AlertPage {
  total: number;
  data: AlertView[];
}
