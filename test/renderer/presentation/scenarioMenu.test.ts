// Proves the desktop Scenarios menu reaches the scenario runner: a `ui.command`
// {command: 'scenario.run', name} event (what main/electron sends for Scenarios → <name>)
// runs that scenario through the presentation actions; other commands do not.

import { describe, expect, it } from 'vitest';
import { bindScenarioMenu } from '../../../renderer/presentation/events';

describe('the Scenarios menu', () => {
  it('runs the scenario a ui.command names, and nothing for other commands', async () => {
    let listener: ((c: unknown) => void) | undefined;
    const client = { on: (name: string, l: (c: unknown) => void) => ((listener = name === 'ui.command' ? l : listener), { dispose: () => (listener = undefined) }) };
    const ran: string[] = [];
    const sub = bindScenarioMenu(client as never, { runScenario: async (name) => (ran.push(name), null) });
    listener!({ command: 'about.show' });
    listener!({ command: 'scenario.run', name: 'abort-halfway' });
    expect(ran).toEqual(['abort-halfway']);
    sub.dispose();
    expect(listener).toBeUndefined();
  });
});
