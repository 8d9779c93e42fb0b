// Proves the GIF encoder on raw RGBA frames (gifenc runs in Node): the file is a GIF89a of
// the frame size that loops forever, identical consecutive frames are written once with
// their delays added, and the delays (whole centiseconds) add up to the video's length.
import { describe, expect, it } from 'vitest';
import { frameSchedule } from '../../../renderer/export/frameSchedule';
import { createGifSink, samplePixels } from '../../../renderer/export/gifSink';

const W = 16;
const H = 8;
function solid(r: number, g: number, b: number): Uint8Array {
  const px = new Uint8Array(W * H * 4);
  for (let i = 0; i < px.length; i += 4) px.set([r, g, b, 255], i);
  return px;
}

/** The delays (cs) of each frame's graphic control extension, and whether a NETSCAPE loop block is present. */
function gifFacts(bytes: Uint8Array): { width: number; height: number; delaysCs: number[]; loops: boolean } {
  const delaysCs: number[] = [];
  for (let i = 0; i + 5 < bytes.length; i += 1) if (bytes[i] === 0x21 && bytes[i + 1] === 0xf9 && bytes[i + 2] === 4) delaysCs.push(bytes[i + 4] | (bytes[i + 5] << 8));
  const text = new TextDecoder('latin1').decode(bytes);
  return { width: bytes[6] | (bytes[7] << 8), height: bytes[8] | (bytes[9] << 8), delaysCs, loops: text.includes('NETSCAPE2.0') };
}

describe('the GIF encoder', () => {
  it('writes a looping GIF89a of the frame size, merging identical frames into one with their delays added', async () => {
    const frames = frameSchedule(1000, 1, 10); // 11 frames of 100 ms
    const pictures = frames.map((f) => (f.index < 4 ? solid(255, 255, 255) : f.index < 5 ? solid(200, 0, 0) : solid(0, 0, 200)));
    const sink = createGifSink(W, H, (c) => c as unknown as Uint8Array);
    for (const f of frames) await sink.add(pictures[f.index] as unknown as CanvasImageSource, f);
    const bytes = new Uint8Array(await (await sink.finish()).arrayBuffer());
    expect(new TextDecoder().decode(bytes.subarray(0, 6))).toBe('GIF89a');
    const facts = gifFacts(bytes);
    expect(facts).toMatchObject({ width: W, height: H, loops: true });
    expect(facts.delaysCs).toEqual([40, 10, 60]);
  });

  it('makes the palette from every step-th pixel', () => {
    const px = new Uint8Array([1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5]);
    expect([...samplePixels(px, 4)]).toEqual([1, 1, 1, 1, 5, 5, 5, 5]);
  });
});
