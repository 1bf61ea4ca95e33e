import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The desktop shell embeds dist/ (see src-tauri/tauri.conf.json). No inline scripts or
// styles: the window's CSP allows only 'self'.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, assetsInlineLimit: 0 },
  test: { environment: 'jsdom', include: ['src/**/*.test.ts'] },
});
