#!/usr/bin/env node
'use strict';
/**
 * `npm start` (after the build): the bot and the Microsoft 365 Agents
 * Playground, to talk to the bot in a browser with no Teams tenant.
 *
 *   PORT             the bot's port (default 3978); HOST, DATA_DIR, LOG_LEVEL
 *                    and the rest go to the bot unchanged
 *   PLAYGROUND_PORT  the Playground's port (default 56150, or a free one)
 *   TEAMSAPPTESTER_BROWSER  set it (e.g. to "chromium") to let the Playground
 *                    open a browser; by default it opens none
 *
 * Both listen on 127.0.0.1 only. The Playground's telemetry is off
 * (--disable-telemetry and APPLICATION_INSIGHTS_NO_STATSBEAT, which that flag
 * does not cover); its log goes to DATA_DIR/playground.log. Ctrl-C or SIGTERM
 * stops both; when either exits the other is stopped too.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const BOT_ENTRY = path.join(ROOT, 'dist', 'src', 'server.js');
const PLAYGROUND_CLI = require.resolve('@microsoft/m365agentsplayground/cli.js', { paths: [ROOT] });
const LOOPBACK_PRELOAD = path.join(__dirname, 'listen-on-loopback.js');
const GRACE_MS = 5000;

const botPort = Number(process.env.PORT || 3978);
const dataDir = path.resolve(ROOT, process.env.DATA_DIR || 'data');
const children = new Map(); // name -> ChildProcess
let shuttingDown = false;
let exitCode = 0;

function say(message) {
  process.stdout.write(`[start-local] ${message}\n`);
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function accepts(port, host) {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

function start(name, args, env, onLine) {
  // A process group of its own: Ctrl-C reaches only this script, which then
  // stops the children in order (the Playground answers SIGINT by flushing telemetry).
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.set(name, child);
  const forward = (stream, target) => {
    let pending = '';
    stream.on('data', (chunk) => {
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop();
      for (const line of lines) {
        target.write(`[${name}] ${line}\n`);
        if (onLine) onLine(line);
      }
    });
  };
  forward(child.stdout, process.stdout);
  forward(child.stderr, process.stderr);
  child.once('exit', (code, signal) => {
    children.delete(name);
    if (!shuttingDown) {
      say(`${name} exited (${signal || `code ${code}`}); stopping the rest.`);
      exitCode = code || 1;
      shutdown();
    } else if (children.size === 0) {
      process.exit(exitCode);
    }
  });
  child.once('error', (err) => {
    say(`${name} could not start: ${err.message}`);
  });
  return child;
}

function shutdown(signal) {
  if (shuttingDown) {
    if (signal) {
      say('Stopping at once.');
      for (const child of children.values()) child.kill('SIGKILL');
    }
    return;
  }
  shuttingDown = true;
  if (children.size === 0) process.exit(exitCode);
  for (const child of children.values()) child.kill('SIGTERM');
  setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, GRACE_MS).unref();
}

for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    if (!shuttingDown) say(`${signal}: stopping the bot and the Playground.`);
    shutdown(signal);
  });
}
// Last resort if this script dies on an error: take the children with it.
process.on('exit', () => {
  for (const child of children.values()) child.kill('SIGKILL');
});

async function main() {
  if (!fs.existsSync(BOT_ENTRY)) {
    say(`${path.relative(ROOT, BOT_ENTRY)} is missing: run \`npm run build\` (npm start does).`);
    process.exit(1);
  }
  fs.mkdirSync(dataDir, { recursive: true });

  const botHost = process.env.HOST || '127.0.0.1';
  // The bot may listen on every interface (HOST=0.0.0.0); the Playground reaches it on loopback.
  const reachHost = ['0.0.0.0', '::', '127.0.0.1', 'localhost', ''].includes(botHost) ? '127.0.0.1' : botHost;
  const reachUrlHost = reachHost.includes(':') ? `[${reachHost}]` : reachHost;
  start('bot', [BOT_ENTRY], { ...process.env, PORT: String(botPort) });

  const deadline = Date.now() + 60_000;
  while (!(await accepts(botPort, reachHost))) {
    if (shuttingDown) return;
    if (Date.now() > deadline) {
      say(`The bot did not accept connections on ${reachHost}:${botPort} within 60 s.`);
      exitCode = 1;
      return shutdown();
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const wanted = Number(process.env.PLAYGROUND_PORT || 56150);
  const playgroundPort = (await portIsFree(wanted)) ? wanted : await freePort();
  if (playgroundPort !== wanted) say(`Port ${wanted} is taken; the Playground uses ${playgroundPort}.`);
  const playgroundEnv = {
    ...process.env,
    TEAMSAPPTESTER_BROWSER: process.env.TEAMSAPPTESTER_BROWSER || 'none',
    APPLICATION_INSIGHTS_NO_STATSBEAT: 'true',
    M365_AGENTS_PLAYGROUND_LOGFILE: process.env.M365_AGENTS_PLAYGROUND_LOGFILE || path.join(dataDir, 'playground.log'),
  };
  const playgroundArgs = [
    '-r', LOOPBACK_PRELOAD, PLAYGROUND_CLI,
    '-e', `http://${reachUrlHost}:${botPort}/api/messages`,
    '-c', 'msteams',
    '-p', String(playgroundPort),
    '--service-url', `http://127.0.0.1:${playgroundPort}/_connector`,
    '--disable-telemetry',
  ];
  let announced = false;
  start('playground', playgroundArgs, playgroundEnv, (line) => {
    const match = line.match(/^Listening on (\d+)/);
    if (!match || announced) return;
    announced = true;
    const rule = '='.repeat(64);
    process.stdout.write(
      `\n${rule}\n  Open http://localhost:${match[1]} in your browser to talk to the bot.\n` +
        `  Bot: http://${reachUrlHost}:${botPort}/api/messages   Data: ${dataDir}\n  Ctrl-C stops both.\n${rule}\n\n`,
    );
  });
}

main().catch((err) => {
  say(`failed: ${err && err.stack ? err.stack : err}`);
  exitCode = 1;
  shutdown();
});
