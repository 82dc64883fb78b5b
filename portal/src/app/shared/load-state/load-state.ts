import { ChangeDetectionStrategy, Component, computed, input, output } from '@angular/core';
import { errorMessage } from '../../core/api-client';

/**
 * Wraps a block that shows API data: a spinner while the first answer is on its
 * way, the error with a retry button, an explanation when there is nothing to
 * show, else the content. Later refreshes keep the content on screen (no flicker).
 */
@Component({
  selector: 'app-load-state',
  template: `
    @if (error()) {
      <div class="state state-error" role="alert">
        <strong>Could not load {{ what() }}.</strong>
        <span>{{ message() }}</span>
        <button type="button" class="btn btn-small" (click)="retry.emit()">Retry</button>
      </div>
    } @else if (loading() && !hasValue()) {
      <div class="state state-loading" aria-busy="true"><span class="spinner"></span> Loading {{ what() }}…</div>
    } @else if (empty()) {
      <div class="state state-empty">
        <strong>{{ emptyTitle() }}</strong>
        <span><ng-content select="[empty-hint]" /></span>
      </div>
    } @else {
      <ng-content />
    }
  `,
  styleUrl: './load-state.css',
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class LoadState {
  /** What is loading, for the messages ("hosts", "flows"). */
  readonly what = input('data');
  readonly loading = input(false);
  readonly hasValue = input(false);
  readonly error = input<unknown>(undefined);
  readonly empty = input(false);
  readonly emptyTitle = input('Nothing to show yet.');
  readonly retry = output<void>();

  protected readonly message = computed(() => errorMessage(this.error()));
}
