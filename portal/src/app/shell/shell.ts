import { Theme } from '../core/theme';
import { ChangeDetectionStrategy, Component, DestroyRef, inject, signal } from '@angular/core';
import { Router, RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';
import { Auth } from '../core/auth';
import { LiveSocket } from '../core/live-socket';

/** The signed-in layout: navigation, live-connection state, user menu, and the page. */
@Component({
  selector: 'app-shell',
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  templateUrl: './shell.html',
  styleUrl: './shell.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class Shell {
  protected readonly auth = inject(Auth);
  protected readonly live = inject(LiveSocket);
  protected readonly theme = inject(Theme);
  private readonly router = inject(Router);
  /** Navigation drawer open on narrow screens. */
  protected readonly navOpen = signal(false);

  protected readonly links = [
    { path: '/dashboard', label: 'Dashboard', icon: 'M3 13h8V3H3zm0 8h8v-6H3zm10 0h8V11h-8zm0-18v6h8V3z' },
    { path: '/hosts', label: 'Hosts', icon: 'M4 5h16v10H4zm4 14h8m-4-4v4' },
    { path: '/flows', label: 'Flows', icon: 'M4 7h13l-3-3m3 3-3 3M20 17H7l3-3m-3 3 3 3' },
    { path: '/history', label: 'History', icon: 'M12 7v5l3 2M3.5 12a8.5 8.5 0 1 0 2.5-6M3 4v4h4' },
    { path: '/alerts', label: 'Alerts', icon: 'M12 3 2 20h20zm0 6v5m0 3v.5' },
    { path: '/interfaces', label: 'Interfaces', icon: 'M4 8h16v8H4zm3 3h2m2 0h2m2 0h2' },
  ];
  protected readonly settingsIcon = 'M12 15a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm7.4-3a7.4 7.4 0 0 0-.1-1.2l2-1.6-2-3.4-2.4 1a7 7 0 0 0-2-1.2L14.5 3h-4l-.4 2.6a7 7 0 0 0-2 1.2l-2.4-1-2 3.4 2 1.6a7.4 7.4 0 0 0 0 2.4l-2 1.6 2 3.4 2.4-1a7 7 0 0 0 2 1.2l.4 2.6h4l.4-2.6a7 7 0 0 0 2-1.2l2.4 1 2-3.4-2-1.6c.1-.4.1-.8.1-1.2z';

  constructor() {
    this.live.start();
    inject(DestroyRef).onDestroy(() => this.live.stop());
  }

  protected async logout(): Promise<void> {
    await this.auth.logout();
    await this.router.navigate(['/login']);
  }
}
