import { Injectable, Logger } from '@nestjs/common';

/** A part of the appliance that runs disabled, and why (shown by /healthz and the portal's System page). */
export interface HealthIssue {
  component: string;
  reason: string;
}

/**
 * Parts started disabled because what is stored for them cannot be used (a
 * SIEM recipient whose URL does not parse, a setting that fails validation):
 * the appliance starts without them instead of failing or hanging, and
 * /healthz says `degraded` and lists them until they are fixed or removed.
 */
@Injectable()
export class HealthIssues {
  private readonly logger = new Logger(HealthIssues.name);
  private readonly issues = new Map<string, string>();

  /** Flags `component` as disabled for `reason` (logged once). */
  set(component: string, reason: string): void {
    if (this.issues.get(component) !== reason) this.logger.error(`${component} disabled: ${reason}`);
    this.issues.set(component, reason);
  }

  clear(component: string): void {
    this.issues.delete(component);
  }

  list(): HealthIssue[] {
    return [...this.issues].map(([component, reason]) => ({ component, reason }));
  }
}
