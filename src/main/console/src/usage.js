import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { html } from './html.js';
import { ErrorNote, useApi, when } from './load.js';

const DAY_MS = 86_400_000;

/** The window's start: this month's first day, or 30 days back (UTC dates, as the report counts). */
function windowStart(period) {
  const now = new Date();
  const start = period === 'month'
    ? new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))
    : new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - 29 * DAY_MS);
  return start.toISOString().slice(0, 10);
}

/** Every day from the window's start to today, with the report's credits (0 on days without requests). */
function dailySeries(from, byDay) {
  const credits = new Map(byDay.map((d) => [d.day, d.credits]));
  const days = [];
  const values = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.now(); t += DAY_MS) {
    days.push(t / 1000);
    values.push(credits.get(new Date(t).toISOString().slice(0, 10)) ?? 0);
  }
  return [days, values];
}

function CreditsChart({ from, byDay }) {
  const box = useRef(null);
  useEffect(() => {
    const width = Math.max(280, Math.min(box.current.clientWidth, 960));
    const chart = new uPlot({
      width,
      height: 240,
      scales: { x: { time: true } },
      axes: [{}, { label: 'credits' }],
      series: [{}, { label: 'Credits', stroke: '#0b5cad', fill: 'rgba(11,92,173,.25)', paths: uPlot.paths.bars({ size: [0.7, 40] }) }],
      legend: { show: false },
    }, dailySeries(from, byDay), box.current);
    return () => chart.destroy();
  }, [from, byDay]);
  return html`<div id="credits-chart" class="chart" ref=${box} role="img"
    aria-label=${`Credits per day since ${from}: ${byDay.map((d) => `${d.day} ${d.credits}`).join(', ') || 'none'}`}></div>`;
}

function Breakdown({ title, rows, field }) {
  return html`
    <div class="table-wrap">
      <table>
        <caption>${title}</caption>
        <thead><tr><th scope="col">${field.replace('_', ' ')}</th><th scope="col">Credits</th><th scope="col">Requests</th></tr></thead>
        <tbody>
          ${rows.map((r) => html`<tr><td class="mono">${r[field] ?? '(none)'}</td><td>${r.credits}</td><td>${r.requests}</td></tr>`)}
          ${rows.length === 0 && html`<tr><td colspan="3">No requests in this window.</td></tr>`}
        </tbody>
      </table>
    </div>`;
}

function Report({ id, period, onUnauthorized }) {
  const from = windowStart(period);
  const { data: report, error } = useApi(`/admin/accounts/${encodeURIComponent(id)}/usage?from=${from}`, onUnauthorized);
  if (!report) {
    return html`<${ErrorNote} error=${error} />`;
  }
  const budget = report.budget;
  return html`
    <dl class="facts">
      <dt>Credits</dt><dd id="usage-credits">${report.credits}</dd>
      <dt>Requests</dt><dd>${report.requests}</dd>
      <dt>Budget</dt><dd>${budget
        ? `${budget.spent} of ${budget.credits} spent this ${budget.period}; renews ${when(budget.renews_at)}`
        : 'none'}</dd>
    </dl>
    <${CreditsChart} from=${from} byDay=${report.by_day} />
    <${Breakdown} title="By endpoint" rows=${report.by_endpoint} field="endpoint" />
    <${Breakdown} title="By gateway token" rows=${report.by_token_name} field="token_name" />
    <${Breakdown} title="By client library" rows=${report.by_client_library} field="client_library" />`;
}

/** Credits per day for a period, by endpoint, token name and client library; the budget and its renewal. */
export function UsagePage({ rest, onUnauthorized }) {
  const { data: accounts, error } = useApi('/admin/accounts', onUnauthorized);
  const [period, setPeriod] = useState('month');
  const id = rest[0] ?? accounts?.[0]?.id;
  return html`
    <h1>Usage</h1>
    <${ErrorNote} error=${error} />
    ${accounts && html`
      <div class="toolbar">
        <label for="usage-account">Account</label>
        <select id="usage-account" value=${id} onChange=${(e) => { location.hash = `#/usage/${encodeURIComponent(e.target.value)}`; }}>
          ${accounts.map((a) => html`<option value=${a.id}>${a.id}</option>`)}
        </select>
        <label for="usage-period">Period</label>
        <select id="usage-period" value=${period} onChange=${(e) => setPeriod(e.target.value)}>
          <option value="month">this month</option>
          <option value="30d">last 30 days</option>
        </select>
      </div>`}
    ${id && html`<${Report} key=${`${id}-${period}`} id=${id} period=${period} onUnauthorized=${onUnauthorized} />`}`;
}
