import { ChangeDetectionStrategy, Component, input } from '@angular/core';
import { RouterLink } from '@angular/router';

/** Where a viewer lands when following a link to an admin-only page. */
@Component({
  selector: 'app-forbidden',
  imports: [RouterLink],
  template: `
    <section class="card narrow" data-testid="forbidden">
      <h1>Admins only</h1>
      <p>
        <span class="mono">{{ page() || 'This page' }}</span> changes how the appliance captures and alerts, so it needs the
        <strong>admin</strong> role. Ask an administrator to change your role, or go back to the
        <a routerLink="/dashboard">dashboard</a>.
      </p>
    </section>
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Forbidden {
  /** The page that was refused (query parameter, bound by the router). */
  readonly page = input<string>();
}
