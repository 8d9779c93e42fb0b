// Recording files on the host (issue 19): read one (size-limited, gunzipped when it is gzip,
// decoded as UTF-8) for `serve --replay` and the desktop menu, and write one for
// `pvmove --record` line by line as the move runs.
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { LvmscopeError } from '../../app/base/result';
import { isGzip, MAX_RECORDING_BYTES, RecordingError, type Gunzip } from '../../app/api/recording';

/** zlib's gunzip, refusing output above `limitBytes` with a RecordingError. */
export const nodeGunzip: Gunzip = async (bytes, limitBytes) => {
  try {
    return new Uint8Array(gunzipSync(bytes, { maxOutputLength: limitBytes }));
  } catch (e) {
    const tooLarge = (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw new RecordingError(tooLarge ? `This recording decompresses to more than lvmscope opens (${limitBytes / 1048576} MiB).` : 'This recording is gzip-compressed but cannot be decompressed (the file is damaged or cut short).');
  }
};

/** The text of the recording file at `file`; a sentence when it cannot be read as one. */
export async function readRecordingText(file: string): Promise<{ text: string; fileName: string }> {
  let size: number;
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new LvmscopeError('INVALID', `${file} is not a file; give the path of a recording (.lvmrec).`);
    size = s.size;
  } catch (e) {
    if (e instanceof LvmscopeError) throw e;
    throw new LvmscopeError('NOT_FOUND', `There is no recording at ${file}.`);
  }
  if (size > MAX_RECORDING_BYTES) throw new RecordingError(`This recording is ${(size / 1048576).toFixed(1)} MiB, more than lvmscope opens (${MAX_RECORDING_BYTES / 1048576} MiB).`);
  const raw = new Uint8Array(await readFile(file));
  const bytes = isGzip(raw) ? await nodeGunzip(raw, MAX_RECORDING_BYTES) : raw;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), fileName: path.basename(file) };
  } catch {
    throw new RecordingError('This is not a readable lvmscope recording: it is not UTF-8 text (nor gzip-compressed text).');
  }
}

/** A recording written line by line as the move runs; `close` waits until it is on disk. */
export function recordingWriter(file: string): { write(line: string): void; close(): Promise<void> } {
  const stream: WriteStream = createWriteStream(file, { flags: 'w' });
  let failure: Error | null = null;
  stream.on('error', (e) => (failure = e));
  return {
    write: (line) => void stream.write(line),
    close: () =>
      new Promise<void>((resolve, reject) => {
        stream.end(() => (failure ? reject(new LvmscopeError('IO', `The recording could not be written to ${file}: ${failure.message}`)) : resolve()));
      }),
  };
}
