import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports are picked below the OS's ephemeral range. A port the OS hands out for `listen(0)` comes from
 * the range it also gives outgoing connections, so between the pick and the real listen (Postgres
 * starting, the gateway binding) one of the many client connections a test run opens could take it:
 * `EADDRINUSE` under load. Below that range only another picker can collide, which random choice makes
 * rare and the bind check catches; picks are also remembered so one process never hands out a port twice.
 */
// Above 10080, the highest port browsers refuse to connect to (their "unsafe ports"), so e2e pages can reach any pick.
const LOWEST = 15_000;
const handedOut = new Set<number>();

/** The low end of the OS's ephemeral range (Linux), or undefined where it cannot be read. */
function ephemeralStart(): number | undefined {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST + 1000 ? low : undefined;
  } catch {
    return undefined;
  }
}

/** Listens on `port` (0: the OS picks) and closes again; resolves with the port, or undefined if taken. */
function tryPort(port: number): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EADDRINUSE' || error.code === 'EACCES' ? resolve(undefined) : reject(error)));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : undefined));
    });
  });
}

/** A TCP port that is free on 127.0.0.1 right now, outside the range outgoing connections use. */
export async function freePort(): Promise<number> {
  const below = ephemeralStart();
  if (below !== undefined) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const candidate = LOWEST + Math.floor(Math.random() * (below - LOWEST));
      if (handedOut.has(candidate)) continue;
      const port = await tryPort(candidate);
      if (port !== undefined) {
        handedOut.add(port);
        return port;
      }
    }
  }
  const port = await tryPort(0);
  if (port === undefined) throw new Error('no free port');
  handedOut.add(port);
  return port;
}
