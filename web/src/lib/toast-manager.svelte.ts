/** Transient messages shown over the map (errors from the API, mostly). */

export type ToastKind = 'error' | 'info';

export interface Toast {
  id: number;
  kind: ToastKind;
  title: string;
  message: string;
}

const AUTO_DISMISS_MS = 10_000;

class ToastManager {
  toasts = $state<Toast[]>([]);
  #nextId = 1;

  /** Shows a toast; the same title and message shown twice is kept once. Returns its id. */
  show(kind: ToastKind, title: string, message: string): number {
    const existing = this.toasts.find((t) => t.title === title && t.message === message);
    if (existing) return existing.id;
    const id = this.#nextId++;
    this.toasts.push({ id, kind, title, message });
    window.setTimeout(() => this.dismiss(id), AUTO_DISMISS_MS);
    return id;
  }

  dismiss(id: number): void {
    this.toasts = this.toasts.filter((t) => t.id !== id);
  }

  /** Drops every toast (on sign-out: one user's errors are not the next one's business). */
  clear(): void {
    this.toasts = [];
  }
}

export const toastManager = new ToastManager();
