// Builds the web app into web/dist: index.html, app.js (one bundle with
// Preact, minified) and app.css (one bundle of the styles). `node web/build.mjs`; `make build` runs it.
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = dirname(fileURLToPath(import.meta.url));
// LEADLOOP_WEB_OUT builds elsewhere (a second checkout's tests, or two
// people building at once); the server reads it with --web-dir.
const dist = process.env.LEADLOOP_WEB_OUT ?? join(web, 'dist');

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await build({
  entryPoints: [join(web, 'src/main.tsx')],
  outfile: join(dist, 'app.js'),
  bundle: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
});
// One stylesheet: app.css and the page styles it @imports (src/styles/).
await build({
  entryPoints: [join(web, 'src/app.css')],
  outfile: join(dist, 'app.css'),
  bundle: true,
  minify: true,
  logLevel: 'warning',
});
await copyFile(join(web, 'index.html'), join(dist, 'index.html'));
