import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import type { AlertSeverity } from '@flowprobe/api';

/** Severity names in ntopng's order, lowest first. */
export const SEVERITY_ORDER: AlertSeverity[] = ['info', 'notice', 'warning', 'error', 'critical', 'emergency'];

/** A coloured severity label; colours from the global `--sev-*` variables. */
@Component({
  selector: 'app-severity-badge',
  template: '<span class="badge" [class]="\'badge sev-\' + severity()">{{ severity() }}</span>',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SeverityBadge {
  readonly severity = input.required<AlertSeverity>();
}
