// Proves the recording format (issue 19): what is written reads back to the same events (runs
// and patches included, for shapes the dm stream does not have yet), repeating events shrink
// into runs, and a recording that is cut short, damaged or hostile is refused with one sentence
// that names the line and what is wrong — never a stack trace, never a half-read recording.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  MAX_RECORDING_BYTES,
  openRecording,
  parseRecording,
  RecordingDecoder,
  RecordingEncoder,
  RecordingError,
  writeRecording,
  type RecordedEvent,
} from '../../../app/api/recording';
import { applyWorkspaceChange, type WorkspaceChange } from '../../../app/api/workspaceChange';
import { recordMove, simEngine } from '../../helpers/recordedMove';

let seedText: string | null = null;
/** One recorded seed move with a workload, shared by the tests that damage it. */
async function seedRecording(): Promise<string> {
  if (!seedText) {
    const t = await simEngine();
    seedText = await recordMove(t);
    await t.run(t.engine.dispose());
  }
  return seedText;
}

function expectRefused(text: string, pattern: RegExp): void {
  let error: unknown;
  try {
    parseRecording(text);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(RecordingError);
  expect((error as Error).message).toMatch(pattern);
  expect((error as Error).message).not.toMatch(/\n\s+at /);
}

/** A one-region range event as the dm stream sends it when a copy changes regions one at a time. */
function region(seq: number, r: number, state: 'copying' | 'copied', inSync: number, timeMs: number): RecordedEvent {
  return { timeMs, name: 'dm.event', payload: { type: 'region-range', stream: 1, seq, timeMs, device: 'vg0-lv0', devno: '254:0', targetIndex: 1, start: r, count: 1, state, regionsInSync: inSync, regionsTotal: 65536 } };
}

describe('writing and reading a recording', () => {
  it('reads back the events of a recorded move exactly, and its header and initial views', async () => {
    const text = await seedRecording();
    const recording = parseRecording(text);
    const again = writeRecording(recording.header, recording.initial, recording.events);
    expect(parseRecording(again).events).toEqual(recording.events);
    expect(recording.header).toMatchObject({ format: 'lvmscope-recording', version: 3, stack: 'outline' });
    expect(recording.initial.workspace.vgs[0].name).toBe('vg0');
    expect(recording.events.at(-1)?.timeMs).toBe(recording.durationMs);
  }, 60_000);

  it('keeps a seed move with a workload well under 1 MiB', async () => {
    expect((await seedRecording()).length).toBeLessThan(512 * 1024);
  }, 60_000);

  it('writes the region events of a copy (copying, copied, one region after another) as one run line', () => {
    const events: RecordedEvent[] = [];
    for (let r = 0; r < 4096; r++) events.push(region(2 * r + 1, r, 'copying', r, r * 3), region(2 * r + 2, r, 'copied', r + 1, r * 3 + (r % 3)));
    const recording = parseRecording(writeRecording(HEADER, INITIAL, events));
    expect(recording.events).toEqual(events);
    expect(writeRecording(HEADER, INITIAL, events).split('\n').length).toBeLessThan(10);
  });

  it('round-trips any sequence of events whose numbers, strings and shapes vary (runs and patches of kinds that do not exist yet)', () => {
    const payload = fc.record({
      type: fc.constantFrom('region-range', 'region-state'),
      stream: fc.constant(1),
      seq: fc.nat(1000).map((n) => n + 1),
      timeMs: fc.nat(1000),
      device: fc.constantFrom('vg0-lv0', 'vg0-lv1'),
      devno: fc.constant('254:0'),
      targetIndex: fc.nat(2),
      region: fc.nat(100),
      count: fc.option(fc.nat(50), { nil: undefined }),
      state: fc.constantFrom('pending', 'copying', 'copied'),
      regionsInSync: fc.nat(100),
      regionsTotal: fc.constant(100),
      ratio: fc.double({ min: 0, max: 1, noNaN: true }),
    });
    fc.assert(
      fc.property(fc.array(payload, { maxLength: 60 }), (payloads) => {
        const lines: string[] = [];
        const encoder = new RecordingEncoder((l) => lines.push(l));
        let t = 0;
        const entries = payloads.map((p, i) => ({ t: (t += i % 3), e: 'dm.event', p: JSON.parse(JSON.stringify(p)) as unknown }));
        for (const e of entries) encoder.push(e);
        encoder.flush();
        // Decoded without the contract's check (these kinds are not in it): the same entries.
        const decoded = decodeLines(lines);
        expect(decoded).toEqual(entries);
      }),
      { numRuns: 300 },
    );
  });
});

describe('opening a damaged or hostile recording', () => {
  it('names the line where a recording cut short at any byte stops being readable', async () => {
    const text = await seedRecording();
    const cuts = [0, 10, text.indexOf('\n') + 5, text.indexOf('\n', text.indexOf('\n') + 1) - 7];
    for (let i = 1; i <= 40; i++) cuts.push(Math.floor((text.length * i) / 41));
    for (const at of cuts) {
      const cut = text.slice(0, at);
      // A cut at a line's end, before or after its newline, leaves whole lines: a shorter recording.
      const endsOnLine = cut.endsWith('\n') || at === 0 || text[at] === '\n';
      try {
        const r = parseRecording(cut);
        // A cut exactly at a line end is a shorter recording, still a consistent one.
        expect(endsOnLine).toBe(true);
        expect(r.events.length).toBeGreaterThanOrEqual(0);
      } catch (e) {
        expect(e).toBeInstanceOf(RecordingError);
        expect((e as Error).message).toMatch(/^This is not a readable lvmscope recording: line \d+ /);
      }
    }
  }, 60_000);

  it('refuses damaged bytes anywhere with a sentence naming the line, never another error', async () => {
    const text = await seedRecording();
    const lines = text.split('\n');
    fc.assert(
      fc.property(fc.nat(lines.length - 2), fc.nat(10_000), fc.constantFrom('"', '{', '}', '9', '-', 'x', ',', ':', '[', ''), (line, at, char) => {
        const damaged = [...lines];
        const l = damaged[line];
        const i = at % Math.max(1, l.length);
        damaged[line] = l.slice(0, i) + char + l.slice(i + 1);
        try {
          parseRecording(damaged.join('\n'));
        } catch (e) {
          expect(e).toBeInstanceOf(RecordingError);
          expect((e as Error).message).toMatch(/line \d+|recording/);
        }
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('says what is wrong with a file that is not a recording, of another version, too large, or hostile', async () => {
    expectRefused('', /line 1 is empty/);
    expectRefused('hello\n', /line 1 is not JSON/);
    expectRefused('{"format":"something-else"}\n', /line 1 does not name the format 'lvmscope-recording'/);
    expectRefused(JSON.stringify({ ...HEADER, version: 99 }), /line 1 is a recording of version 99, and this lvmscope reads versions 1, 2 and 3/);
    const head = `${JSON.stringify(HEADER)}\n${JSON.stringify({ initial: INITIAL })}\n`;
    expectRefused(`${JSON.stringify(HEADER)}\n`, /line 2 is missing/);
    expectRefused(`${JSON.stringify(HEADER)}\n{"initial":{"engineInfo":1}}\n`, /line 2 has initial views that are wrong: .* at engineInfo/);
    expectRefused(`${head}{"t":1,"e":"shell.exec","p":{}}\n`, /line 3 names an event lvmscope does not record \('shell.exec'\)/);
    expectRefused(`${head}{"t":1,"e":"ui.command","p":{"command":"about.show"}}\n`, /line 3 names an event lvmscope does not record/);
    expectRefused(`${head}{"t":1,"e":"log","p":{"timeMs":"x"}}\n`, /line 3 holds a log event that is wrong/);
    expectRefused(`${head}${JSON.stringify({ t: 5, e: 'log', p: LOG })}\n${JSON.stringify({ t: 2, e: 'log', p: LOG })}\n`, /line 4 goes back in time \(2 ms after 5 ms\)/);
    expectRefused(`${head}{"run":3,"k":1,"s":{"/p/seq":1}}\n`, /line 3 repeats the event 1 places back, but only 0 came before it/);
    expectRefused(`${head}${JSON.stringify({ t: 0, e: 'log', p: LOG })}\n{"run":3,"k":1,"s":{"/p/nothing":1}}\n`, /line 4 changes \/p\/nothing, a number the event it repeats does not have/);
    expectRefused(`${head}${JSON.stringify({ t: 0, e: 'dm.event', p: region(1, 0, 'copying', 0, 0).payload })}\n{"run":3,"k":1,"s":{"/p/start":-1}}\n`, /line 4 makes \/p\/start a number of another kind/);
    expectRefused(`${head}{"run":9999999,"k":1}\n`, /line 3 is a run that is wrong/);
    expectRefused(`${head}${JSON.stringify({ t: 0, e: 'log', p: LOG })}\n{"t":1,"e":"move.step","k":1,"d":{}}\n`, /line 4 patches a log event into a move.step event/);
    expectRefused(`${head}${JSON.stringify({ t: 0, e: 'log', p: LOG })}\n{"t":1,"e":"log","k":1,"d":{"/a/b":1}}\n`, /line 4 changes \/a\/b, which the event it patches does not have/);
    expectRefused(`${head}[1,2]\n`, /line 3 is not an event/);
    expect(() => parseRecording('x'.repeat(MAX_RECORDING_BYTES + 1))).toThrow(/more than lvmscope opens \(64 MiB\)/);
  });

  it('opens a version 1 recording, whose workspace.changed events are whole views, as changes that show those views', () => {
    const view = { path: '/ws', images: [{ name: 'pv1.img', sizeBytes: 4096, devno: null, role: 'not-lvm' as const }], vgs: [], problems: [] };
    const later = { ...view, problems: [{ severity: 'warning' as const, message: 'pv1.img: no label' }] };
    const v1 = [JSON.stringify({ ...HEADER, version: 1 }), JSON.stringify({ initial: INITIAL }), ...[view, later].map((p, i) => JSON.stringify({ t: i, e: 'workspace.changed', p }))].join('\n');
    const recording = parseRecording(v1);
    const changes = recording.events.map((e) => e.payload as WorkspaceChange);
    const first = applyWorkspaceChange(INITIAL.workspace, changes[0]);

    expect(changes.map((c) => c.base)).toEqual([0, 0]);
    expect(first).toEqual({ ...view, revision: 1 });
    expect(applyWorkspaceChange(first, changes[1])).toEqual({ ...later, revision: 2 });
  });

  it('opens gzip-compressed bytes with the host\'s gunzip, and says so when there is none', async () => {
    const text = await seedRecording();
    const { gzipSync, gunzipSync } = await import('node:zlib');
    const gz = new Uint8Array(gzipSync(text));
    expect((await openRecording(gz, async (b) => new Uint8Array(gunzipSync(b)))).events.length).toBe(parseRecording(text).events.length);
    await expect(openRecording(gz)).rejects.toThrow(/gzip-compressed; decompress it/);
    await expect(openRecording(new Uint8Array([0xff, 0xfe, 0x00]))).rejects.toThrow(/not UTF-8 text/);
    expect((await openRecording(new TextEncoder().encode(text))).durationMs).toBe(parseRecording(text).durationMs);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------

const LOG = { timeMs: 0, level: 'info', source: 'test', message: 'hello' };
const HEADER = {
  format: 'lvmscope-recording' as const,
  version: 3 as const,
  lvmscope: '0.1.0',
  createdMs: 0,
  title: 'test',
  stack: 'outline' as const,
  move: { kind: 'resume' as const, vg: 'vg0', options: {} },
  plan: null,
};
const INITIAL = {
  engineInfo: { name: 'lvmscope' as const, version: '0.1.0', host: 'test' as const, capabilities: [] },
  workspacePath: '/ws',
  images: [],
  workspace: { path: '/ws', images: [], vgs: [], problems: [] },
  dm: { stream: 1, seq: 0, devices: [] },
  move: null,
  workload: null,
  log: [],
};

/** Decodes encoder lines with the reader's rules, without the contract's check (made-up kinds). */
function decodeLines(lines: string[]): unknown[] {
  const decoder = new RecordingDecoder();
  return lines.flatMap((l, i) => decoder.decode(l, i + 3).entries);
}
