// An ApiClient that answers from a recording instead of an engine (issue 19): a window that
// replays (`lvmscope serve --replay`, Open recording…) is given this client, so the code that
// loads a window (loadInitialState) and every action work unchanged. It answers what a window
// reads — what the engine said just before the move — and refuses whatever needs an engine
// with one sentence. Its events never fire: the ReplayPlayer feeds the store at the instant
// the presenter chose, forward or backward, which an event stream cannot do.
import { methods, type MethodName } from '../../app/api/contract';
import type { ApiClient, ApiResult } from '../../app/api';
import { ApiCallError } from '../../app/api/client';
import type { Recording } from '../../app/api/recording';

/** The sentence every engine action gets while a recording is shown. */
export function replayRefusal(method: string): string {
  const doc = (methods as Record<string, { doc: string }>)[method]?.doc.replace(/\.$/, '') ?? method;
  return `This window replays a recording, and there is no engine behind it: "${doc}" needs one. Close the recording (or run lvmscope serve without --replay) to work on a workspace.`;
}

/** The answer to a read of what a window loads, from the recording; undefined for the rest. */
function answer(recording: Recording, method: MethodName): unknown {
  const { initial } = recording;
  switch (method) {
    case 'engine.info':
      return initial.engineInfo;
    case 'host.info':
      return { host: initial.engineInfo.host, workspacePath: initial.workspacePath, recentWorkspaces: [], demoFolder: false };
    case 'log.recent':
      return { lines: initial.log };
    case 'workspace.listImages':
      return { path: initial.workspacePath, images: initial.images };
    case 'workspace.open':
    case 'workspace.view':
      return initial.workspace;
    case 'workspace.rehearsal':
      return null;
    case 'dm.list':
      return initial.dm;
    case 'move.state':
      return { move: initial.move };
    case 'scenario.list':
      return { scenarios: [] };
    case 'scenario.state':
      return { scenario: null };
    default:
      return undefined;
  }
}

/** A client for a window with a recording and no engine (null: before the recording is read). */
export function recordingClient(recording: Recording | null): ApiClient {
  const call = async (method: MethodName): Promise<ApiResult<unknown>> => {
    const value = recording ? answer(recording, method) : undefined;
    if (value !== undefined) return { ok: true, value };
    return { ok: false, error: { code: 'UNSUPPORTED', message: replayRefusal(method) } };
  };
  return {
    call: ((method: MethodName) => call(method)) as ApiClient['call'],
    invoke: (async (method: MethodName) => {
      const r = await call(method);
      if (!r.ok) throw new ApiCallError(r.error.code, r.error.message);
      return r.value;
    }) as ApiClient['invoke'],
    on: () => ({ dispose: () => undefined }),
    dispose: () => undefined,
  };
}
