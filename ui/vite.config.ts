import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';

// The window freezes Object.prototype (tauri.conf.json `freezePrototype`), so assigning a
// property that Object.prototype already has (e.g. `toString`) throws in strict code — the
// "override mistake". Cytoscape copies methods onto its prototypes with Object.assign,
// including a `toString`; define them instead, so the hardening can stay on.
const CYTOSCAPE_EXTEND = 'var extend = Object.assign != null ? Object.assign.bind(Object) : function (tgt) {';
function cytoscapeUnderFrozenPrototypes(): Plugin {
  return {
    name: 'cytoscape-under-frozen-prototypes',
    transform(code, id) {
      if (!/cytoscape[\\/]dist[\\/]cytoscape\.esm\.mjs$/.test(id)) return null;
      if (!code.includes(CYTOSCAPE_EXTEND)) {
        throw new Error('cytoscape changed its extend helper: revisit vite.config.ts');
      }
      const define =
        'var extend = function (tgt) { for (var i = 1; i < arguments.length; i++) { var obj = arguments[i]; ' +
        'if (obj == null) continue; Object.keys(obj).forEach(function (k) { Object.defineProperty(tgt, k, ' +
        '{ value: obj[k], writable: true, enumerable: true, configurable: true }); }); } return tgt; };\n' +
        'var extendUnused = function (tgt) {';
      return { code: code.replace(CYTOSCAPE_EXTEND, define), map: null };
    },
  };
}

// The desktop shell embeds dist/ (see src-tauri/tauri.conf.json). No inline scripts or
// styles: the window's CSP allows only 'self'.
export default defineConfig({
  plugins: [svelte(), cytoscapeUnderFrozenPrototypes()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0 },
  test: { environment: 'jsdom', include: ['src/**/*.test.ts'] },
});
