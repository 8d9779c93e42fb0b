// A minimal typed event emitter. Listeners run synchronously in registration order; a
// listener that throws does not stop the others (the error is reported to `onListenerError`).

export type Listener<T> = (event: T) => void;
export interface Disposable {
  dispose(): void;
}

export class Emitter<T> {
  private listeners: Listener<T>[] = [];
  onListenerError: (error: unknown) => void = (e) => console.error('listener failed', e);

  on(listener: Listener<T>): Disposable {
    this.listeners.push(listener);
    return {
      dispose: () => {
        this.listeners = this.listeners.filter((l) => l !== listener);
      },
    };
  }

  emit(event: T): void {
    for (const listener of this.listeners.slice()) {
      try {
        listener(event);
      } catch (e) {
        this.onListenerError(e);
      }
    }
  }

  get listenerCount(): number {
    return this.listeners.length;
  }
}
