import { ChangeDetectionStrategy, Component, inject, input, output } from '@angular/core';
import { RouterLink } from '@angular/router';
import { Clock } from '../../core/clock';
import type { AlertView } from '@flowprobe/api';
import { FORMAT_PIPES } from '../format/format';
import { SeverityBadge } from '../severity-badge/severity-badge';

/** Alerts as a table (alerts page, host detail); "Acknowledge" only where the caller allows it. */
@Component({
  selector: 'app-alert-table',
  imports: [RouterLink, SeverityBadge, ...FORMAT_PIPES],
  template: `
    <div class="table-scroll">
      <table class="data-table" data-testid="alert-table">
        <thead>
          <tr>
            <th>Severity</th>
            <th>Check</th>
            <th>Entity</th>
            <th>Message</th>
            <th>Time</th>
            @if (past()) {
              <th>Ended</th>
            }
            @if (canAcknowledge()) {
              <th><span class="sr-only">Actions</span></th>
            }
          </tr>
        </thead>
        <tbody>
          @for (alert of alerts(); track alert.id) {
            <tr [class.acknowledged]="alert.acknowledged" [attr.data-alert-id]="alert.id">
              <td><app-severity-badge [severity]="alert.severity" /></td>
              <td class="mono small">{{ alert.check }}</td>
              <td class="small">
                <span class="badge">{{ alert.entity.type }}</span>
                @if (alert.host) {
                  <a class="mono" [routerLink]="['/hosts', alert.host]">{{ alert.host }}</a>
                } @else {
                  <span class="mono">{{ alert.entity.value }}</span>
                }
                @if (alert.flow; as flow) {
                  <div class="muted mono">{{ flow.l7 || flow.l4 }} → {{ flow.server.ip }}:{{ flow.server.port }}</div>
                }
              </td>
              <td>
                <a [routerLink]="['/alerts', alert.id]" data-testid="alert-link"><strong>{{ alert.title }}</strong></a>
                @if (alert.description && alert.description !== alert.title) {
                  <div class="muted small">{{ alert.description }}</div>
                }
              </td>
              <td class="muted nowrap" [title]="alert.time">{{ unixS(alert.time) | relativeTime: clock.now() }}</td>
              @if (past()) {
                <td class="muted nowrap">{{ unixS(alert.end_time) | dateTime }}</td>
              }
              @if (canAcknowledge()) {
                <td class="actions">
                  @if (alert.acknowledged) {
                    <span class="muted small" [title]="'by ' + alert.acknowledged_by">acknowledged</span>
                  } @else {
                    <button type="button" class="btn btn-small" (click)="acknowledge.emit(alert)">Acknowledge</button>
                  }
                </td>
              }
            </tr>
          }
        </tbody>
      </table>
    </div>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class AlertTable {
  readonly alerts = input.required<AlertView[]>();
  readonly past = input(false);
  readonly canAcknowledge = input(false);
  readonly acknowledge = output<AlertView>();

  protected readonly clock = inject(Clock);

  /** RFC 3339 → UNIX seconds (null stays null). */
  protected unixS(time: string | null): number | null {
    return time ? Date.parse(time) / 1000 : null;
  }
}
