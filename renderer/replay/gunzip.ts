// gzip for recordings opened in the renderer: the platform's DecompressionStream (Chromium,
// Electron's renderer), stopped as soon as the output passes the limit.
import { RecordingError, type Gunzip } from '../../app/api/recording';

export const browserGunzip: Gunzip = async (bytes, limitBytes) => {
  const reader = new Blob([bytes as BlobPart]).stream().pipeThrough(new DecompressionStream('gzip')).getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      throw new RecordingError('This recording is gzip-compressed but cannot be decompressed (the file is damaged or cut short).');
    }
    if (chunk.done) break;
    total += chunk.value.length;
    if (total > limitBytes) {
      await reader.cancel();
      throw new RecordingError(`This recording decompresses to more than lvmscope opens (${limitBytes / 1048576} MiB).`);
    }
    chunks.push(chunk.value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
};
