import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import { html } from './html.js';
import { api } from './api.js';
import { ErrorNote } from './load.js';

/** How often the page samples the meters, and how many samples it keeps (5 minutes). */
const SAMPLE_MS = 5_000;
const KEEP = 60;
const BREAKER = ['closed', 'open', 'half-open'];

const sum = (meters, name) => meters.filter((m) => m.name === name).reduce((total, m) => total + (m.value ?? 0), 0);

/** Requests per second and mean upstream latency between two samples. */
function between(previous, current) {
  const seconds = (current.at - previous.at) / 1000;
  const requests = (sum(current.meters, 'fleetgate.requests') - sum(previous.meters, 'fleetgate.requests')) / seconds;
  const timers = (sample) => sample.meters.filter((m) => m.name === 'fleetgate.upstream.latency')
    .reduce((t, m) => ({ count: t.count + m.count, ms: t.ms + m.total_ms }), { count: 0, ms: 0 });
  const a = timers(previous);
  const b = timers(current);
  const calls = b.count - a.count;
  return { at: current.at / 1000, requests: Math.max(0, requests), latency: calls > 0 ? (b.ms - a.ms) / calls : null };
}

function RateChart({ points }) {
  const box = useRef(null);
  const chart = useRef(null);
  useEffect(() => {
    chart.current = new uPlot({
      width: Math.max(280, Math.min(box.current.clientWidth, 960)),
      height: 220,
      // the last five minutes, however few samples there are yet
      scales: { x: { time: true, range: (u, min, max) => [max - (KEEP * SAMPLE_MS) / 1000, max] }, rps: { range: (u, min, max) => [0, Math.max(1, max)] } },
      axes: [{}, { label: 'requests/s', scale: 'rps' }, { label: 'upstream ms', scale: 'ms', side: 1, grid: { show: false } }],
      series: [{}, { label: 'Requests/s', scale: 'rps', stroke: '#0b5cad' }, { label: 'Upstream latency (ms)', scale: 'ms', stroke: '#9a6700' }],
    }, [[], [], []], box.current);
    return () => chart.current.destroy();
  }, []);
  useEffect(() => {
    chart.current?.setData([points.map((p) => p.at), points.map((p) => p.requests), points.map((p) => p.latency)]);
  }, [points]);
  return html`<div id="rate-chart" class="chart" ref=${box} role="img"
    aria-label=${`Requests per second over the last ${points.length} samples`}></div>`;
}

/** Readiness, Kafka, breakers per region, request rate and upstream latency, audit drops: sampled every 5 s. */
export function HealthPage({ onUnauthorized }) {
  const [samples, setSamples] = useState([]);
  const [error, setError] = useState(null);
  useEffect(() => {
    let stopped = false;
    async function sample() {
      try {
        const health = await api('GET', '/admin/health');
        if (!stopped) {
          setSamples((s) => [...s, { at: Date.now(), ...health }].slice(-KEEP - 1));
          setError(null);
        }
      } catch (e) {
        if (e.status === 401) {
          onUnauthorized();
        }
        setError(e.message);
      }
    }
    sample();
    const timer = setInterval(sample, SAMPLE_MS);
    return () => { stopped = true; clearInterval(timer); };
  }, []);
  const latest = samples[samples.length - 1];
  const points = samples.slice(1).map((s, i) => between(samples[i], s));
  return html`
    <h1>Health</h1>
    <${ErrorNote} error=${error} />
    ${latest && html`
      <div class="cards">
        <section class="card" aria-labelledby="checks-title">
          <h2 id="checks-title">Checks</h2>
          <table id="checks"><tbody>
            ${latest.checks.map((c) => html`
              <tr data-check=${c.id}><th scope="row">${c.id}</th>
                <td><span class=${`state state-${c.state === 'UP' ? 'online' : 'offline'}`}>${c.state}</span></td>
                <td>${c.message ?? ''}</td></tr>`)}
          </tbody></table>
        </section>
        <section class="card" aria-labelledby="breakers-title">
          <h2 id="breakers-title">Fleet API breakers</h2>
          <table id="breakers"><tbody>
            ${latest.meters.filter((m) => m.name === 'fleetgate.upstream.breaker.state').map((m) => html`
              <tr data-region=${m.tags.region}><th scope="row">${m.tags.region}</th><td>${BREAKER[m.value] ?? m.value}</td></tr>`)}
          </tbody></table>
        </section>
        <section class="card" aria-labelledby="audit-title">
          <h2 id="audit-title">Audit</h2>
          <dl class="facts">
            <dt>Events dropped</dt><dd id="audit-dropped">${sum(latest.meters, 'fleetgate.audit.events.dropped')}</dd>
            <dt>Waiting for Kafka</dt><dd>${sum(latest.meters, 'fleetgate.audit.events.buffered')}</dd>
            <dt>Requests since start</dt><dd id="requests-total">${sum(latest.meters, 'fleetgate.requests')}</dd>
          </dl>
        </section>
      </div>
      <h2>Requests and upstream latency</h2>
      ${points.length === 0 && html`<p class="hint">The first rate shows after the next sample (every ${SAMPLE_MS / 1000} s).</p>`}
      <${RateChart} points=${points} />`}`;
}
