import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';

/** Settings tabs around the selected section. */
@Component({
  selector: 'app-settings-layout',
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  template: `
    <div class="page-header"><h1>Settings</h1></div>
    <nav class="tabs" aria-label="settings sections">
      @for (tab of tabs; track tab.path) {
        <a [routerLink]="tab.path" routerLinkActive="active">{{ tab.label }}</a>
      }
    </nav>
    <router-outlet />
  `,
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class SettingsLayout {
  protected readonly tabs = [
    { path: 'general', label: 'Capture & networks' },
    { path: 'checks', label: 'Checks' },
    { path: 'recipients', label: 'SIEM recipients' },
    { path: 'ipfix', label: 'IPFIX export' },
    { path: 'users', label: 'Users & API tokens' },
    { path: 'system', label: 'System' },
  ];
}
