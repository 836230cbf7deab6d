import { useEffect, useRef, useState } from 'preact/hooks';
import L from 'leaflet';
import { html } from './html.js';
import { api, consoleSettings, readStream } from './api.js';
import { ErrorNote, useApi, when } from './load.js';

/** How often the recent commands are asked again: a command's audit event comes a moment after its answer. */
const COMMANDS_REFRESH_MS = 5_000;
/** How often what Fleetgate knows of the vehicle is asked again, as the Fleet table does. */
const FACTS_REFRESH_MS = 10_000;
/** How long a broken stream waits before it reconnects (with Last-Event-ID: nothing is missed). */
const RECONNECT_MS = 3_000;
const MAP_ZOOM = 15;

/** The common commands, as the Fleet API names them. */
const BUTTONS = [
  { command: 'door_lock', label: 'Lock' },
  { command: 'door_unlock', label: 'Unlock' },
  { command: 'flash_lights', label: 'Flash lights' },
  { command: 'honk_horn', label: 'Honk' },
  { command: 'auto_conditioning_start', label: 'Climate on' },
  { command: 'auto_conditioning_stop', label: 'Climate off' },
];

const OUTCOMES = {
  200: 'answered', 402: 'refused: credits or subscription', 403: 'refused: scope', 408: 'vehicle did not wake',
  429: 'rate limited', 502: 'upstream unavailable', 503: 'service unavailable', 504: 'upstream timeout',
};

/** A streamed value as text: a location as "latitude, longitude", other objects as JSON. */
function show(value) {
  if (value === null || value === undefined) {
    return '–';
  }
  if (typeof value === 'object') {
    return typeof value.latitude === 'number' ? `${value.latitude}, ${value.longitude}` : JSON.stringify(value);
  }
  return String(value);
}

/**
 * The vehicle's events over the admin stream: the last values first, then live. Keeps the last
 * value of every field, and reconnects after a break from where it stood.
 */
function useVehicleStream(vin) {
  const [fields, setFields] = useState({});
  const [status, setStatus] = useState({ connected: false, error: null });
  useEffect(() => {
    const abort = new AbortController();
    let lastId = null;
    let timer = null;
    async function connect() {
      try {
        await readStream(`/admin/vehicles/${encodeURIComponent(vin)}/sse`, {
          signal: abort.signal,
          lastEventId: lastId,
          onEvent: (id, event) => {
            lastId = id ?? lastId;
            setStatus({ connected: true, error: null });
            setFields((known) => merge(known, event));
          },
        });
        if (!abort.signal.aborted) {
          setStatus({ connected: false, error: 'The stream ended; reconnecting…' });
        }
      } catch (e) {
        setStatus({ connected: false, error: e.message });
        if (e.status === 401 || e.status === 404) {
          return; // asking again changes nothing
        }
      }
      if (!abort.signal.aborted) {
        timer = setTimeout(connect, RECONNECT_MS);
      }
    }
    setStatus({ connected: true, error: null });
    connect();
    return () => { abort.abort(); clearTimeout(timer); };
  }, [vin]);
  return { fields, ...status };
}

/** An event's values into the last values: data fields by name, and state, connectivity, alerts and errors as such. */
function merge(known, event) {
  const at = event.createdAt;
  const next = { ...known };
  if (event.data && typeof event.data === 'object') {
    for (const [field, value] of Object.entries(event.data)) {
      next[field] = { value, at };
    }
  }
  for (const key of ['state', 'connectivity', 'alerts', 'errors']) {
    if (event[key] !== undefined) {
      next[`(${key})`] = { value: event[key], at };
    }
  }
  return next;
}

function LiveValues({ fields, connected, error }) {
  const names = Object.keys(fields).sort();
  return html`
    <section class="card" aria-labelledby="live-title">
      <h2 id="live-title">Last values <span class=${`live ${connected ? 'live-on' : ''}`}>${connected ? 'live' : 'not connected'}</span></h2>
      <${ErrorNote} error=${error} />
      <div class="table-wrap">
        <table id="live-values">
          <thead><tr><th scope="col">Field</th><th scope="col">Value</th><th scope="col">At</th></tr></thead>
          <tbody>
            ${names.map((name) => html`
              <tr data-field=${name}><td class="mono">${name}</td><td class="value">${show(fields[name].value)}</td>
                <td>${when(fields[name].at)}</td></tr>`)}
            ${names.length === 0 && html`<tr><td colspan="3">Nothing streamed for this vehicle yet.</td></tr>`}
          </tbody>
        </table>
      </div>
    </section>`;
}

/** The tile server the operator set (fleetgate.console.map-tiles-url), from the console's settings. */
function useConsoleSettings() {
  const [settings, setSettings] = useState(null);
  useEffect(() => {
    consoleSettings().then(setSettings);
  }, []);
  return settings;
}

/** A Leaflet map with a marker at the location; the marker follows the streamed location. */
function VehicleMap({ location, settings }) {
  const box = useRef(null);
  const map = useRef(null);
  const marker = useRef(null);
  useEffect(() => {
    const m = L.map(box.current, { zoomControl: true, attributionControl: true })
      .setView([location.latitude, location.longitude], MAP_ZOOM);
    if (settings.map_tiles_url) {
      // the attribution is the operator's text: shown as text, never as markup
      const attribution = document.createElement('span');
      attribution.textContent = settings.map_attribution ?? '';
      L.tileLayer(settings.map_tiles_url, { maxZoom: 19, attribution: attribution.innerHTML }).addTo(m);
    }
    // a vector marker: Leaflet's default icon is an image its CSS would have to find
    marker.current = L.circleMarker([location.latitude, location.longitude],
      { radius: 9, color: '#fff', weight: 3, fillColor: '#0b5cad', fillOpacity: 1 }).addTo(m);
    map.current = m;
    return () => { m.remove(); map.current = null; };
  }, [settings]);
  useEffect(() => {
    const m = map.current;
    if (m) {
      marker.current.setLatLng([location.latitude, location.longitude]);
      m.panTo([location.latitude, location.longitude]);
    }
  }, [location.latitude, location.longitude]);
  return html`<div id="vehicle-map" class="map" ref=${box} role="img"
    data-lat=${location.latitude} data-lng=${location.longitude}
    aria-label=${`Map: the vehicle at ${location.latitude}, ${location.longitude}`}></div>`;
}

function Location({ vehicle, fields }) {
  const settings = useConsoleSettings();
  const location = fields.Location?.value;
  let body;
  if (!vehicle.location_scope) {
    body = html`<p id="no-location">Account ${vehicle.account_id} has not granted the <code>vehicle_location</code>
      scope, so Fleetgate does not show where this vehicle is.</p>`;
  } else if (!location || typeof location.latitude !== 'number') {
    body = html`<p id="no-location">No location streamed for this vehicle yet.</p>`;
  } else if (settings) {
    body = html`<${VehicleMap} location=${location} settings=${settings} />
      <p class="hint">${location.latitude}, ${location.longitude} at ${when(fields.Location.at)}</p>`;
  }
  return html`
    <section class="card" aria-labelledby="map-title">
      <h2 id="map-title">Location</h2>
      ${body}
    </section>`;
}

/** Buttons for the common commands, sent as the vehicle's account through the usual command path. */
function Commands({ vin, onSent }) {
  const [busy, setBusy] = useState(null);
  const [answer, setAnswer] = useState(null);
  const [percent, setPercent] = useState('80');
  async function send(command, label, body = {}) {
    setBusy(command);
    setAnswer(null);
    try {
      const response = await api('POST', `/admin/vehicles/${encodeURIComponent(vin)}/command/${command}`, body);
      const refused = response && response.result === false;
      setAnswer({ command, ok: !refused, text: `${label}: ${refused ? `refused: ${response.reason || 'no reason given'}` : 'done'}` });
    } catch (e) {
      setAnswer({ command, ok: false, text: `${label}: ${e.message}` });
    } finally {
      setBusy(null);
      onSent();
    }
  }
  function setLimit(event) {
    event.preventDefault();
    send('set_charge_limit', `Charge limit ${percent} %`, { percent: Number(percent) });
  }
  return html`
    <section class="card" aria-labelledby="commands-title">
      <h2 id="commands-title">Commands</h2>
      <p class="hint">Sent as the vehicle's account: its limits, credits and audit, with wake-up and signing as needed.</p>
      <div class="buttons">
        ${BUTTONS.map((b) => html`
          <button type="button" data-command=${b.command} disabled=${busy !== null} aria-busy=${busy === b.command}
                  onClick=${() => send(b.command, b.label)}>${b.label}</button>`)}
      </div>
      <form class="inline" onSubmit=${setLimit}>
        <label for="charge-limit">Charge limit (%)</label>
        <input id="charge-limit" type="number" min="50" max="100" step="1" required value=${percent}
               onInput=${(e) => setPercent(e.target.value)} />
        <button type="submit" data-command="set_charge_limit" disabled=${busy !== null}>Set charge limit</button>
      </form>
      ${busy && html`<p class="loading" role="status">Sending ${busy}… (a sleeping vehicle is woken first)</p>`}
      ${answer && html`<p id="command-answer" class=${answer.ok ? 'ok' : 'error'} role=${answer.ok ? 'status' : 'alert'}
                          data-command=${answer.command}>${answer.text}</p>`}
    </section>`;
}

function RecentCommands({ vin, onUnauthorized, refreshKey }) {
  const { data, error, reload } = useApi(`/admin/vehicles/${encodeURIComponent(vin)}/commands`, onUnauthorized);
  useEffect(() => {
    const timer = setInterval(reload, COMMANDS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  useEffect(() => { if (refreshKey) reload(); }, [refreshKey]);
  return html`
    <section class="card" aria-labelledby="recent-title">
      <h2 id="recent-title">Recent commands</h2>
      <${ErrorNote} error=${error} />
      <div class="table-wrap">
        <table id="recent-commands">
          <caption>The last day's commands, newest first, from the audit topic</caption>
          <thead><tr>
            <th scope="col">Time</th><th scope="col">Command</th><th scope="col">Outcome</th><th scope="col">Attempts</th>
            <th scope="col">Woke vehicle</th><th scope="col">Credits</th><th scope="col">Sent by</th>
          </tr></thead>
          <tbody>
            ${(data ?? []).map((c) => html`
              <tr data-command=${c.command} data-status=${c.status}>
                <td>${when(c.time)}</td><td class="mono">${c.command}</td>
                <td>${c.status} ${OUTCOMES[c.status] ?? ''}</td><td>${c.attempts}</td>
                <td>${c.woke_vehicle ? 'yes' : 'no'}</td><td>${c.credits}</td>
                <td>${c.token_name ?? c.source}</td>
              </tr>`)}
            ${data && data.length === 0 && html`<tr><td colspan="7">No commands in the last day.</td></tr>`}
          </tbody>
        </table>
      </div>
    </section>`;
}

/** One vehicle: what Fleetgate knows of it, its last values live, its location, commands and recent commands. */
export function VehiclePage({ rest, onUnauthorized }) {
  const vin = rest[0] ?? '';
  const { data: vehicle, error, reload } = useApi(`/admin/vehicles/${encodeURIComponent(vin)}`, onUnauthorized);
  const stream = useVehicleStream(vin);
  const [sent, setSent] = useState(0);
  useEffect(() => {
    const timer = setInterval(reload, FACTS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  // a command teaches Fleetgate the vehicle's state, and may have queued behind others
  useEffect(() => { if (sent) reload(); }, [sent]);
  return html`
    <p><a href="#/fleet">← Fleet</a></p>
    <h1>Vehicle <span class="mono">${vin}</span></h1>
    <${ErrorNote} error=${error} />
    ${vehicle && html`
      <dl class="facts card" id="vehicle-facts">
        <dt>Account</dt><dd><a href=${`#/accounts/${encodeURIComponent(vehicle.account_id)}`}>${vehicle.account_id}</a></dd>
        <dt>Region</dt><dd>${vehicle.region}</dd>
        <dt>State</dt><dd><span class=${`state state-${vehicle.state}`}>${vehicle.state}</span>
          ${vehicle.state_since && ` since ${when(vehicle.state_since)}`}</dd>
        <dt>Streaming</dt><dd>${vehicle.streaming ?? '–'}</dd>
        <dt>Signed commands</dt><dd>${vehicle.signing === true ? 'yes' : vehicle.signing === false ? 'no' : 'unknown'}</dd>
        <dt>Firmware</dt><dd>${vehicle.firmware ?? '–'}</dd>
        <dt>Queued commands</dt><dd>${vehicle.queued_commands}</dd>
      </dl>
      <div class="vehicle-grid">
        <${LiveValues} ...${stream} />
        <${Location} vehicle=${vehicle} fields=${stream.fields} />
      </div>
      <${Commands} vin=${vin} onSent=${() => setSent((n) => n + 1)} />
      <${RecentCommands} vin=${vin} onUnauthorized=${onUnauthorized} refreshKey=${sent} />`}`;
}
