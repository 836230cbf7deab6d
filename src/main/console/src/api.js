// The admin API, with the admin token from this tab's session storage (never in a URL).
const TOKEN_KEY = 'fleetgate.adminToken';

export const adminToken = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (token) => sessionStorage.setItem(TOKEN_KEY, token),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

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
