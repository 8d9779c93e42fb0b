// Proves the audience channel's pure parts: which window a page is from its address, the
// audience's address keeps the page's token, and only well-formed messages are taken from the
// channel (a stray post or another version's message is ignored, never shown).
import { describe, expect, it } from 'vitest';
import { audienceUrl, openAudienceWindow, parseAudienceMessage, viewRoleFrom } from '../../../renderer/presentation/audience';

describe('the audience window', () => {
  it('is the page whose address says view=audience; every other page is the app', () => {
    expect(viewRoleFrom('?token=abc&view=audience')).toBe('audience');
    expect(viewRoleFrom('?view=main')).toBe('main');
    expect(viewRoleFrom('')).toBe('main');
  });

  it('opens at this page’s address with its token and view=audience', () => {
    expect(audienceUrl('http://127.0.0.1:4000/?token=s3cret#x')).toBe('http://127.0.0.1:4000/?token=s3cret&view=audience');
    expect(audienceUrl('file:///opt/lvmscope/out/renderer/index.html')).toBe('file:///opt/lvmscope/out/renderer/index.html?view=audience');
  });

  it('says a blocked pop-up was blocked in a browser, and trusts the desktop app to open it itself', () => {
    const blocked = { open: () => null, location: { href: 'http://h/?token=t' } as Location };
    expect(openAudienceWindow(blocked)).toBe(false);
    expect(openAudienceWindow({ ...blocked, lvmscope: {} } as unknown as Window)).toBe(true);
    const opened: string[] = [];
    expect(openAudienceWindow({ open: (url?: string | URL) => (opened.push(String(url)), {} as Window), location: blocked.location })).toBe(true);
    expect(opened).toEqual(['http://h/?token=t&view=audience']);
  });

  it('takes hello and shown messages, and ignores anything else', () => {
    const snapshot = { key: '1:lv0/s3', moveId: 1, stepId: 'lv0/s3', index: 3, lv: 'lv0', views: { workspace: undefined, devices: [], move: {}, progress: null } };
    expect(parseAudienceMessage({ kind: 'hello' })).toEqual({ kind: 'hello' });
    expect(parseAudienceMessage({ kind: 'shown', snapshot: null, presenting: false })).toEqual({ kind: 'shown', snapshot: null, presenting: false });
    expect(parseAudienceMessage({ kind: 'shown', snapshot, presenting: true })).toEqual({ kind: 'shown', snapshot, presenting: true });
    for (const junk of [null, 'hello', 42, { kind: 'shown' }, { kind: 'shown', snapshot: { key: 1 }, presenting: true }, { kind: 'shown', snapshot: { key: 'k' }, presenting: true }, { kind: 'next' }]) {
      expect(parseAudienceMessage(junk)).toBeNull();
    }
  });
});
