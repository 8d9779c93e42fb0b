// Records a move (issue 19): the header and the initial views when it starts, then every engine
// event in the order the engine emitted it, with its time on the engine clock — the stream
// before any coalescing, so a replay can show every instant a window could have seen (a window
// receives a thinned subset of the `latest` kinds; each state it shows is one of these).
// Lines are encoded as they are final (app/api/recording.ts), so a host can stream them.

import type { Clock } from '../base/clock';
import type { Disposable } from '../base/emitter';
import type { EventName, PayloadOf } from '../api/contract';
import { isRecordedEvent, recordingPreamble, RecordingEncoder, type RecordingHeader, type RecordingInitial } from '../api/recording';
import type { EventSource } from '../api/server';

/** The statuses after which a move sends nothing more of its own. */
const FINISHED: ReadonlySet<string> = new Set(['done', 'aborted', 'failed']);
/** How long the recording goes on after the move's final state. */
const TAIL_MS = 250;

export class MoveRecorder {
  private readonly lines: string[];
  private readonly encoder: RecordingEncoder;
  private subscription: Disposable | null;
  private readonly startMs: number;
  private ending = false;
  finished = false;

  constructor(
    private readonly clock: Clock,
    source: EventSource,
    readonly header: RecordingHeader,
    initial: RecordingInitial,
    /** Called with each final line (with its newline), e.g. to stream it into a file. */
    private readonly onLine?: (line: string) => void,
  ) {
    this.startMs = clock.now();
    this.lines = recordingPreamble(header, initial);
    for (const line of this.lines) onLine?.(`${line}\n`);
    this.encoder = new RecordingEncoder((line) => this.append(line));
    this.subscription = source.subscribe((name, payload) => {
      if (isRecordedEvent(name)) this.record(name, payload);
    });
  }

  private append(line: string): void {
    this.lines.push(line);
    this.onLine?.(`${line}\n`);
  }

  private record(name: EventName, payload: unknown): void {
    this.encoder.push({ t: this.clock.now() - this.startMs, e: name, p: payload });
    // The move's last state is nearly its last word: what the engine says right after it (the
    // closing log line, the workload's figures) still belongs to the story.
    if (!this.ending && name === 'move.state' && FINISHED.has((payload as PayloadOf<'move.state'>).status)) {
      this.ending = true;
      this.clock.setTimer(TAIL_MS, () => this.stop());
    }
  }

  /** Sends what is pending and ends the recording (idempotent). */
  stop(): void {
    if (!this.subscription) return;
    const subscription = this.subscription;
    this.subscription = null;
    subscription.dispose();
    this.encoder.flush();
    this.finished = true;
  }

  get recording(): boolean {
    return this.subscription !== null;
  }

  /** The move has ended (its last state is recorded); only its closing lines may still come. */
  get moveEnded(): boolean {
    return this.ending || !this.recording;
  }

  /** The recording so far as text (complete once stopped). */
  text(): string {
    return `${[...this.lines, ...this.encoder.pendingLines()].join('\n')}\n`;
  }
}
