import { useState } from 'preact/hooks';
import { html } from './html.js';
import { api } from './api.js';

/** Asks for the admin token and checks it against the admin API before keeping it; note says why it is asked again. */
export function SignIn({ onSignedIn, note }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);

  async function submit(event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('GET', '/admin/accounts', undefined, token.trim());
      onSignedIn(token.trim());
    } catch (e) {
      setError(e.message);
    } finally {
      setBusy(false);
    }
  }

  return html`
    <main class="signin">
      <h1>Fleetgate console</h1>
      ${note && html`<p class="hint" id="signed-out" role="status">${note}</p>`}
      <form onSubmit=${submit}>
        <label for="admin-token">Admin token</label>
        <input id="admin-token" type="password" autocomplete="current-password" required
               value=${token} onInput=${(e) => setToken(e.target.value)} />
        <button type="submit" disabled=${busy}>Sign in</button>
        ${error && html`<p class="error" role="alert">${error}</p>`}
      </form>
      <p class="hint">The token is fleetgate.admin.token. It stays in this tab only.</p>
    </main>`;
}
