// Proves the caption track: the caption is the current step's heading and narration (none
// before the first step), long narration wraps into the band's lines and ends with an
// ellipsis when it does not fit, consecutive frames with one caption become one WebVTT cue
// in video time, and the file is valid WebVTT (header, numbered cues, hh:mm:ss.mmm).
import { describe, expect, it } from 'vitest';
import type { MoveStateView, StepView } from '../../../app/api/move';
import { captionOf, captionText, cuesOf, vttTime, webVtt, wrapLines } from '../../../renderer/export/captions';

const step = (index: number, name: string, state: StepView['state'], narration: string): StepView => ({ id: `lv0/${index}`, index, name, lv: 'lv0', state, narration, commands: [], timeMs: index });
const move = (steps: StepView[]): MoveStateView => ({ id: 1, vg: 'vg0', stack: 'outline', status: 'running', stepMode: false, plan: { lvs: ['lv0'] } as MoveStateView['plan'], currentLv: 'lv0', step: null, steps, layer: null, progress: null as unknown as MoveStateView['progress'], error: null });
/** Every character 10 px wide. */
const measure = (s: string) => s.length * 10;

describe('the captions of a video', () => {
  it('narrate the step the move is at, and nothing before the first step', () => {
    expect(captionOf(null)).toBeNull();
    expect(captionOf(move([step(1, 'Suspend', 'pending', 'x')]))).toBeNull();
    const c = captionOf(move([step(1, 'Suspend', 'done', 'Queue new IO.'), step(2, 'Create temporary device', 'running', 'Create vg0-lv0-orig.')]));
    expect(c).toEqual({ heading: 'Step 2 of 2 · Create temporary device', narration: 'Create vg0-lv0-orig.' });
    expect(captionText(c!)).toBe('Step 2 of 2 · Create temporary device: Create vg0-lv0-orig.');
  });

  it('wrap at word boundaries within the width, and end the last line with … when the text is longer', () => {
    expect(wrapLines('one two three four', 90, 3, measure)).toEqual(['one two', 'three', 'four']);
    const cut = wrapLines('one two three four five six', 90, 2, measure);
    expect(cut).toEqual(['one two', 'three…']);
    cut.forEach((l) => expect(measure(l)).toBeLessThanOrEqual(90));
    expect(wrapLines('abcdefghijklmnop', 50, 2, measure)).toEqual(['abcd…']);
  });

  it('merge frames with the same caption into one cue, and leave gaps where there is none', () => {
    const f = (i: number, caption: string | null) => ({ timestampUs: i * 100_000, durationUs: 100_000, caption });
    expect(cuesOf([f(0, null), f(1, 'A'), f(2, 'A'), f(3, 'B'), f(4, null), f(5, 'B')])).toEqual([
      { startUs: 100_000, endUs: 300_000, text: 'A' },
      { startUs: 300_000, endUs: 400_000, text: 'B' },
      { startUs: 500_000, endUs: 600_000, text: 'B' },
    ]);
  });

  it('write WebVTT: a header, numbered cues, hours-minutes-seconds.milliseconds, no blank line or --> inside a cue', () => {
    expect(vttTime(3_723_456_000)).toBe('01:02:03.456');
    const text = webVtt([{ startUs: 0, endUs: 1_500_000, text: 'a --> b\n\nc' }, { startUs: 1_500_000, endUs: 2_000_000, text: 'd' }]);
    expect(text).toBe('WEBVTT\n\n1\n00:00:00.000 --> 00:00:01.500\na → b\nc\n\n2\n00:00:01.500 --> 00:00:02.000\nd\n');
  });
});
