import { Injectable, computed, signal } from '@angular/core';

/** What the user chose: follow the system (prefers-color-scheme), or one theme. */
export type ThemeChoice = 'system' | 'light' | 'dark';

const STORAGE_KEY = 'flowprobe.theme';

/**
 * Light and dark theme. Follows `prefers-color-scheme` until the user picks
 * one with the toggle; the choice is kept in localStorage and applied as
 * `data-theme` on <html> (styles.css holds both palettes).
 */
@Injectable({ providedIn: 'root' })
export class Theme {
  private readonly media = window.matchMedia('(prefers-color-scheme: dark)');
  private readonly systemDark = signal(this.media.matches);
  readonly choice = signal<ThemeChoice>(readChoice());
  /** The theme on screen. */
  readonly effective = computed<'light' | 'dark'>(() => (this.choice() === 'system' ? (this.systemDark() ? 'dark' : 'light') : (this.choice() as 'light' | 'dark')));

  constructor() {
    this.media.addEventListener('change', (e) => this.systemDark.set(e.matches));
    this.apply();
  }

  /** Switches to the other theme (an explicit choice from then on). */
  toggle(): void {
    this.set(this.effective() === 'dark' ? 'light' : 'dark');
  }

  set(choice: ThemeChoice): void {
    this.choice.set(choice);
    try {
      if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
      else localStorage.setItem(STORAGE_KEY, choice);
    } catch {
      // storage disabled: the choice lasts for this page
    }
    this.apply();
  }

  private apply(): void {
    const root = document.documentElement;
    const choice = this.choice();
    if (choice === 'system') root.removeAttribute('data-theme');
    else root.setAttribute('data-theme', choice);
  }
}

function readChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return 'system';
  }
}
