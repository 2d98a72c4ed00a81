/**
 * Preloaded into a bot process (`node --require <this file>`) by tests that
 * must show where the process connects: every outgoing TCP connection it
 * opens (host and port, before any DNS lookup) is appended as one JSON line
 * to the file named by RECORD_CONNECTIONS_TO. It records only; the
 * connection goes ahead unchanged. Unix sockets and pipes are not recorded.
 */
const net = require('node:net');
const { appendFileSync } = require('node:fs');

const file = process.env.RECORD_CONNECTIONS_TO;
if (file) {
  const connect = net.Socket.prototype.connect;
  net.Socket.prototype.connect = function recordedConnect(...args) {
    try {
      const first = Array.isArray(args[0]) ? args[0][0] : args[0];
      const options = first && typeof first === 'object' ? first : { port: first, host: typeof args[1] === 'string' ? args[1] : undefined };
      if (!options.path && options.port !== undefined && options.port !== null) {
        appendFileSync(file, `${JSON.stringify({ host: options.host ?? 'localhost', port: Number(options.port) })}\n`);
      }
    } catch {
      // Recording must never change what the process does.
    }
    return connect.apply(this, args);
  };
}
