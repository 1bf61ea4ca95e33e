// Ralph (PyPI ralph-malph), the real xAPI LRS the Rust sync tests use too, started from
// target/ralph-venv by tests/lrs/serve_ralph.py on a free port of 127.0.0.1.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ROOT } from './pathforge.mjs';

function freePort() {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function listening(port) {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.end();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/** Starts Ralph; resolves to { endpoint, user, password, stop }. */
export async function startRalph() {
  const python = join(ROOT, 'target/ralph-venv/bin/python');
  if (!existsSync(python)) {
    throw new Error(`${python} is missing: Ralph is installed by \`make setup\` (.ci/setup)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'pathforge-ralph-'));
  const port = await freePort();
  const user = 'pathforge-players';
  const password = 'players-secret';
  const log = openSync(join(dir, 'ralph.log'), 'w');
  const child = spawn(
    python,
    [join(ROOT, 'tests/lrs/serve_ralph.py'), '--port', String(port), '--dir', join(dir, 'data'), '--user', user, '--password', password],
    { stdio: ['ignore', 'ignore', log] },
  );
  let exited = null;
  child.on('exit', (code) => {
    exited = code;
  });
  const started = Date.now();
  while (!(await listening(port))) {
    if (exited !== null) throw new Error(`Ralph exited (${exited}) before listening; see ${join(dir, 'ralph.log')}`);
    if (Date.now() - started > 60_000) throw new Error('Ralph did not listen within a minute');
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    endpoint: `http://127.0.0.1:${port}/xAPI/`,
    user,
    password,
    stop: () => child.kill(),
  };
}
