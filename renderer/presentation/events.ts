// Connects presentation mode to the engine and the store: scenario.state events (the
// narration; after each one the move is fetched again, because a scenario's crash and
// reopen replace the engine's move controller without a move.state event), and a store
// subscriber that records every change of the live views into the current step's snapshot.
import type { ApiClient } from '../store/actionTypes';
import type { AppStore } from '../store';
import type { Disposable } from '../store/types';

export function bindPresentationEvents(client: ApiClient, store: AppStore): Disposable {
  const s = () => store.getState();
  const scenarioSub = client.on('scenario.state', (state) => {
    s().setScenarioState(state);
    void client.call('move.state', {}).then((r) => {
      if (r.ok) s().setMoveState(r.value.move);
    });
  });
  const unsubscribe = store.subscribe(() => s().recordStepSnapshot());
  return {
    dispose: () => {
      scenarioSub.dispose();
      unsubscribe();
    },
  };
}

/** The desktop app's Scenarios → <name> menu item runs that scenario, as the panel does. */
export function bindScenarioMenu(client: Pick<ApiClient, 'on'>, actions: { runScenario(name: string): Promise<string | null> }): Disposable {
  return client.on('ui.command', (command) => {
    if (command.command === 'scenario.run') void actions.runScenario(command.name);
  });
}
