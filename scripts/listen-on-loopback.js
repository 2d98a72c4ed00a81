'use strict';
/**
 * Preloaded (`node -r scripts/listen-on-loopback.js ...`) into the Microsoft
 * 365 Agents Playground. Its server calls `listen(port)` with no host, which
 * binds every interface (and it has no option to choose one): a Playground
 * reachable from the network would relay anyone's messages to the local bot.
 * Every listen() that names no host or path here binds 127.0.0.1 instead.
 * Pair with `--service-url http://127.0.0.1:PORT/_connector`: the default
 * service url says "localhost", which may resolve to ::1.
 */
const net = require('node:net');

const LOOPBACK = '127.0.0.1';
const listen = net.Server.prototype.listen;

net.Server.prototype.listen = function listenOnLoopback(...args) {
  const first = args[0];
  if (args.length === 0 || typeof first === 'function') {
    args.unshift(0, LOOPBACK);
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    if (typeof args[1] !== 'string') args.splice(1, 0, LOOPBACK);
  } else if (first && typeof first === 'object' && first.path === undefined && first.host === undefined && first.fd === undefined && first._handle === undefined && first.handle === undefined) {
    args[0] = { ...first, host: LOOPBACK };
  }
  return listen.apply(this, args);
};
