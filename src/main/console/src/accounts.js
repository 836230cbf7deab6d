import { useState } from 'preact/hooks';
import { html } from './html.js';
import { api } from './api.js';
import { ErrorNote, useApi, when } from './load.js';

/** Runs an admin write; its refusal is shown in the envelope's words. */
function useAction(onDone) {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  async function run(method, path, body) {
    setBusy(true);
    setError(null);
    try {
      const answer = await api(method, path, body);
      onDone?.(answer);
      return answer;
    } catch (e) {
      setError(e.message);
      return null;
    } finally {
      setBusy(false);
    }
  }
  return { run, error, busy };
}

function AddAccount({ onAdded }) {
  const [refreshToken, setRefreshToken] = useState('');
  const [id, setId] = useState('');
  const { run, error, busy } = useAction(onAdded);
  async function submit(event) {
    event.preventDefault();
    const body = { refresh_token: refreshToken.trim(), ...(id.trim() ? { id: id.trim() } : {}) };
    if (await run('POST', '/admin/accounts', body)) {
      setRefreshToken('');
      setId('');
    }
  }
  return html`
    <form class="card" onSubmit=${submit} aria-labelledby="add-account-title">
      <h2 id="add-account-title">Add an account, or sign one in again</h2>
      <label for="refresh-token">Tesla refresh token</label>
      <input id="refresh-token" type="password" autocomplete="off" required value=${refreshToken}
             onInput=${(e) => setRefreshToken(e.target.value)} />
      <label for="account-id">Account id (optional)</label>
      <input id="account-id" value=${id} onInput=${(e) => setId(e.target.value)} />
      <button type="submit" disabled=${busy}>Add</button>
      <${ErrorNote} error=${error} />
    </form>`;
}

function GatewayTokens({ account, onChanged }) {
  const [name, setName] = useState('');
  const [issued, setIssued] = useState(null);
  const { run, error, busy } = useAction();
  const base = `/admin/accounts/${encodeURIComponent(account.id)}/gateway-tokens`;
  async function issue(event) {
    event.preventDefault();
    const answer = await run('POST', base, { name: name.trim() });
    if (answer) {
      setIssued(answer);
      setName('');
      onChanged();
    }
  }
  async function revoke(tokenName) {
    if (confirm(`Revoke gateway token ${tokenName}? Callers using it are refused at once.`)
        && await run('DELETE', `${base}/${encodeURIComponent(tokenName)}`)) {
      onChanged();
    }
  }
  return html`
    <section class="card" aria-labelledby="tokens-title">
      <h2 id="tokens-title">Gateway tokens</h2>
      <ul class="tokens">
        ${account.gateway_tokens.map((t) => html`
          <li><span class="mono">${t.name}</span>
            <button type="button" class="danger small" aria-label=${`Revoke ${t.name}`} onClick=${() => revoke(t.name)}>Revoke</button></li>`)}
        ${account.gateway_tokens.length === 0 && html`<li>None yet.</li>`}
      </ul>
      ${issued && html`
        <div class="issued" role="status">
          <p>New token <strong>${issued.name}</strong>, shown once: Fleetgate keeps only its hash.</p>
          <code id="issued-token" class="mono">${issued.token}</code>
          <button type="button" onClick=${() => navigator.clipboard?.writeText(issued.token)}>Copy</button>
          <button type="button" class="link" onClick=${() => setIssued(null)}>Done</button>
        </div>`}
      <form onSubmit=${issue}>
        <label for="token-name">New token's name</label>
        <input id="token-name" required pattern="[A-Za-z0-9._-]{1,64}" value=${name}
               onInput=${(e) => setName(e.target.value)} />
        <button type="submit" disabled=${busy}>Issue token</button>
      </form>
      <${ErrorNote} error=${error} />
    </section>`;
}

function Subscription({ account, onChanged }) {
  const sub = account.subscription;
  const [vins, setVins] = useState(sub.vins.join('\n'));
  const [sites, setSites] = useState(sub.energy_sites.join('\n'));
  const [until, setUntil] = useState(sub.active_until ?? '');
  const { run, error, busy } = useAction(onChanged);
  const lines = (text) => text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  function save(event) {
    event.preventDefault();
    run('PUT', `/admin/accounts/${encodeURIComponent(account.id)}/subscription`, {
      vins: lines(vins),
      energy_sites: lines(sites).map(Number),
      active_until: until.trim() || null,
    });
  }
  return html`
    <form class="card" onSubmit=${save} aria-labelledby="subscription-title">
      <h2 id="subscription-title">Subscription</h2>
      <label for="sub-vins">VINs (one per line)</label>
      <textarea id="sub-vins" rows="4" value=${vins} onInput=${(e) => setVins(e.target.value)} />
      <label for="sub-sites">Energy site ids</label>
      <textarea id="sub-sites" rows="2" value=${sites} onInput=${(e) => setSites(e.target.value)} />
      <label for="sub-until">Active until (ISO instant, empty: no end)</label>
      <input id="sub-until" value=${until} placeholder="2030-01-01T00:00:00Z" onInput=${(e) => setUntil(e.target.value)} />
      <button type="submit" disabled=${busy}>Save subscription</button>
      <${ErrorNote} error=${error} />
    </form>`;
}

function Budget({ account, onChanged }) {
  const [credits, setCredits] = useState(account.credit_budget?.credits ?? '');
  const [period, setPeriod] = useState(account.credit_budget?.period ?? 'month');
  const { run, error, busy } = useAction(onChanged);
  const path = `/admin/accounts/${encodeURIComponent(account.id)}/credit-budget`;
  function save(event) {
    event.preventDefault();
    run('PUT', path, { credits: Number(credits), period });
  }
  return html`
    <form class="card" onSubmit=${save} aria-labelledby="budget-title">
      <h2 id="budget-title">Credit budget</h2>
      <label for="budget-credits">Credits</label>
      <input id="budget-credits" type="number" min="0" step="1" required value=${credits}
             onInput=${(e) => setCredits(e.target.value)} />
      <label for="budget-period">Renews every</label>
      <select id="budget-period" value=${period} onChange=${(e) => setPeriod(e.target.value)}>
        <option value="day">day</option>
        <option value="month">month</option>
      </select>
      <button type="submit" disabled=${busy}>Save budget</button>
      ${account.credit_budget && html`
        <button type="button" class="danger" disabled=${busy} onClick=${() => run('DELETE', path)}>Remove budget</button>`}
      <${ErrorNote} error=${error} />
    </form>`;
}

function AccountDetail({ id, onUnauthorized }) {
  const { data: account, error, reload } = useApi(`/admin/accounts/${encodeURIComponent(id)}`, onUnauthorized);
  if (!account) {
    return html`<${ErrorNote} error=${error} />`;
  }
  return html`
    <p><a href="#/accounts">← All accounts</a></p>
    <h1>Account ${account.id}</h1>
    ${account.tesla.sign_in_required && html`
      <p class="error" role="alert">Tesla refused this account's refresh token (login_required): add a new one below.</p>`}
    <dl class="facts">
      <dt>Region</dt><dd>${account.region}</dd>
      <dt>Scopes</dt><dd>${account.scopes.join(', ') || '–'}</dd>
      <dt>Tesla access token expires</dt><dd>${when(account.tesla.access_token_expires_at)}</dd>
    </dl>
    <div class="cards">
      <${GatewayTokens} account=${account} onChanged=${reload} />
      <${Subscription} key=${`sub-${account.id}`} account=${account} onChanged=${reload} />
      <${Budget} key=${`budget-${account.id}`} account=${account} onChanged=${reload} />
      <${AddAccount} onAdded=${reload} />
    </div>`;
}

/** Accounts: the list, and one account's tokens, subscription and budget. */
export function AccountsPage({ rest, onUnauthorized }) {
  const { data, error, reload } = useApi('/admin/accounts', onUnauthorized);
  if (rest[0]) {
    return html`<${AccountDetail} id=${rest[0]} onUnauthorized=${onUnauthorized} />`;
  }
  return html`
    <h1>Accounts</h1>
    <${ErrorNote} error=${error} />
    ${data && html`
      <div class="table-wrap">
        <table id="accounts">
          <thead><tr>
            <th scope="col">Account</th><th scope="col">Region</th><th scope="col">Vehicles</th>
            <th scope="col">Gateway tokens</th><th scope="col">Budget</th><th scope="col">Tesla sign-in</th>
          </tr></thead>
          <tbody>
            ${data.map((a) => html`
              <tr data-account=${a.id}>
                <td><a href=${`#/accounts/${encodeURIComponent(a.id)}`}>${a.id}</a></td>
                <td>${a.region}</td>
                <td>${a.subscription.vins.length}</td>
                <td>${a.gateway_tokens.map((t) => t.name).join(', ') || '–'}</td>
                <td>${a.credit_budget ? `${a.credit_budget.credits} / ${a.credit_budget.period}` : '–'}</td>
                <td>${a.tesla.sign_in_required ? html`<span class="error">login_required</span>` : 'ok'}</td>
              </tr>`)}
          </tbody>
        </table>
      </div>`}
    <${AddAccount} onAdded=${reload} />`;
}
