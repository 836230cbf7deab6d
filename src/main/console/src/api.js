// The admin API, with the admin token from this tab's session storage (never in a URL).
const TOKEN_KEY = 'fleetgate.adminToken';

export const adminToken = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

let settingsAnswer;

/**
 * The console's settings (/console/settings.json, read once): the map's tile server and how long
 * an idle tab keeps the token. Should they not come, no map, and the default idle time.
 */
export function consoleSettings() {
  // a refusal (a 429, a 503) is no settings: the idle check falls back to the default rather than
  // reading an error envelope's missing idle time as "never"
  settingsAnswer ??= fetch('/console/settings.json')
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
    .catch(() => ({ map_tiles_url: null, map_attribution: '', idle_sign_out_seconds: 1800 }));
  return settingsAnswer;
}

/** A refusal in Fleetgate's error envelope, or a failure to reach it. */
export class ApiError extends Error {
  constructor(status, error, description) {
    super(description || error || `HTTP ${status}`);
    this.status = status;
    this.error = error;
  }
}

/** Calls the admin API and answers the envelope's "response"; refusals throw an ApiError. */
export async function api(method, path, body, token = adminToken.get()) {
  let answer;
  try {
    answer = await fetch(path, {
      method,
      headers: {
        Authorization: `Bearer ${token ?? ''}`,
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'unreachable', `Fleetgate did not answer: ${e.message}`);
  }
  let json = null;
  try {
    json = await answer.json();
  } catch {
    // not JSON: described by its status below
  }
  if (!answer.ok) {
    throw new ApiError(answer.status, json?.error ?? 'http_error',
      json?.error_description ?? `Fleetgate answered ${answer.status} ${answer.statusText}`);
  }
  return json?.response;
}

/**
 * Reads an admin SSE stream with fetch, so the admin token goes in the Authorization header
 * (EventSource can send no header, and the token must never be in a URL). Calls onEvent with each
 * event's id and parsed data until the stream ends or signal aborts; a refusal before the stream
 * throws an ApiError with the envelope's words.
 */
export async function readStream(path, { onEvent, signal, lastEventId }) {
  let answer;
  try {
    answer = await fetch(path, {
      headers: {
        Authorization: `Bearer ${adminToken.get() ?? ''}`,
        Accept: 'text/event-stream',
        ...(lastEventId ? { 'Last-Event-ID': lastEventId } : {}),
      },
      signal,
    });
  } catch (e) {
    if (signal?.aborted) {
      return;
    }
    throw new ApiError(0, 'unreachable', `Fleetgate did not answer: ${e.message}`);
  }
  if (!answer.ok) {
    const json = await answer.json().catch(() => null);
    throw new ApiError(answer.status, json?.error ?? 'http_error',
      json?.error_description ?? `Fleetgate answered ${answer.status} ${answer.statusText}`);
  }
  const reader = answer.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        return;
      }
      buffer += value;
      // an event ends at a blank line; its lines are "id: ..." and "data: ..."; ": ..." is a comment
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let id = null;
        let data = '';
        for (const line of block.split('\n')) {
          if (line.startsWith('id:')) {
            id = line.slice(3).trim();
          } else if (line.startsWith('data:')) {
            data += line.slice(5).trim();
          }
        }
        if (data) {
          onEvent(id, JSON.parse(data));
        }
      }
    }
  } catch (e) {
    if (!signal?.aborted) {
      throw new ApiError(0, 'stream_ended', `The stream broke off: ${e.message}`);
    }
  } finally {
    reader.releaseLock?.();
  }
}
