// Bundles the console into one script and copies the page and its styles to the output folder
// (Maven passes target/classes/console, so the jar serves them under /console/).
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

const out = process.argv[2] ?? 'dist';
mkdirSync(out, { recursive: true });
await build({
  entryPoints: ['src/main.js'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: 'es2020',
  outfile: join(out, 'app.js'),
  logLevel: 'warning',
});
for (const file of ['index.html', 'style.css']) {
  copyFileSync(file, join(out, file));
}
copyFileSync('node_modules/uplot/dist/uPlot.min.css', join(out, 'uplot.css'));
copyFileSync('node_modules/leaflet/dist/leaflet.css', join(out, 'leaflet.css'));
