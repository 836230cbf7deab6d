import { useEffect, useState } from 'preact/hooks';
import { html } from './html.js';
import { ErrorNote, useApi, when } from './load.js';
import { Pairing } from './pairing.js';

/** How often the table asks again: states change as vehicles sleep and wake. */
const REFRESH_MS = 10_000;

/** Since when, and for how long: "12:03:10 (5 min)". */
function since(iso) {
  if (!iso) {
    return '–';
  }
  const minutes = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 60_000));
  const span = minutes < 60 ? `${minutes} min` : minutes < 2880 ? `${Math.round(minutes / 60)} h` : `${Math.round(minutes / 1440)} d`;
  return `${when(iso)} (${span})`;
}

const yesNo = (value) => (value === true ? 'yes' : value === false ? 'no' : 'unknown');

function matches(vehicle, query) {
  const q = query.trim().toLowerCase();
  return !q || [vehicle.vin, vehicle.account_id, vehicle.region, vehicle.state, vehicle.firmware]
    .some((field) => (field ?? '').toLowerCase().includes(q));
}

/** Every vehicle and energy site of every account, with what this replica knows of it. */
export function FleetPage({ onUnauthorized }) {
  const { data, error, loading, reload } = useApi('/admin/fleet', onUnauthorized);
  const [query, setQuery] = useState('');
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const vehicles = (data?.vehicles ?? []).filter((v) => matches(v, query));
  return html`
    <h1>Fleet</h1>
    <div class="toolbar">
      <label for="fleet-filter">Filter</label>
      <input id="fleet-filter" type="search" placeholder="VIN, account, state, region…"
             value=${query} onInput=${(e) => setQuery(e.target.value)} />
      <button type="button" onClick=${reload}>Refresh</button>
    </div>
    <${ErrorNote} error=${error} />
    ${loading && html`<p class="loading">Loading…</p>`}
    ${data && html`
      <${Pairing} link=${data.vehicles.find((v) => v.pairing_url)?.pairing_url} />
      <div class="table-wrap">
        <table id="vehicles">
          <caption>Vehicles (${vehicles.length} of ${data.vehicles.length})</caption>
          <thead><tr>
            <th scope="col">VIN</th><th scope="col">Account</th><th scope="col">Region</th>
            <th scope="col">State</th><th scope="col">Since</th><th scope="col">Streaming</th><th scope="col">Signed commands</th>
            <th scope="col">Firmware</th><th scope="col">Queued commands</th><th scope="col">Key pairing</th>
          </tr></thead>
          <tbody>
            ${vehicles.map((v) => html`
              <tr data-vin=${v.vin}>
                <td class="mono"><a href=${`#/vehicles/${encodeURIComponent(v.vin)}`} aria-label=${`Vehicle ${v.vin}`}>${v.vin}</a></td>
                <td><a href=${`#/accounts/${encodeURIComponent(v.account_id)}`}>${v.account_id}</a></td>
                <td>${v.region}</td>
                <td><span class=${`state state-${v.state}`}>${v.state}</span></td>
                <td title=${v.state_as_of ? `last learned ${when(v.state_as_of)}` : undefined}>${since(v.state_since)}</td>
                <td title=${v.streaming_as_of ? `since ${when(v.streaming_as_of)}` : undefined}>${v.streaming ?? '–'}</td>
                <td>${yesNo(v.signing)}</td>
                <td>${v.firmware ?? '–'}</td>
                <td>${v.queued_commands}</td>
                <td>${v.pairing_url ? html`<a href=${v.pairing_url} target="_blank" rel="noopener">pairing link</a>` : '–'}</td>
              </tr>`)}
          </tbody>
        </table>
      </div>
      <div class="table-wrap">
        <table id="energy-sites">
          <caption>Energy sites (${data.energy_sites.length})</caption>
          <thead><tr><th scope="col">Site</th><th scope="col">Account</th><th scope="col">Region</th></tr></thead>
          <tbody>
            ${data.energy_sites.map((s) => html`
              <tr><td class="mono">${s.energy_site_id}</td><td>${s.account_id}</td><td>${s.region}</td></tr>`)}
          </tbody>
        </table>
      </div>`}`;
}
