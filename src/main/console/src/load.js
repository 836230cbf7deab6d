import { useCallback, useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { api } from './api.js';

/** Loads an admin API path; a 401 signs the console out (the token was revoked or changed). */
export function useApi(path, onUnauthorized) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const reload = useCallback(async () => {
    try {
      const data = await api('GET', path);
      setState({ data, error: null, loading: false });
    } catch (e) {
      if (e.status === 401) {
        onUnauthorized();
      }
      setState((s) => ({ data: s.data, error: e.message, loading: false }));
    }
  }, [path]);
  useEffect(() => { reload(); }, [reload]);
  return { ...state, reload };
}

/** An error from the API, said in its error_description; never a blank page. */
export function ErrorNote({ error }) {
  return error ? html`<p class="error" role="alert">${error}</p>` : null;
}

/** An ISO instant as the browser's local time, or a dash. */
export function when(iso) {
  return iso ? new Date(iso).toLocaleString() : '–';
}
