/** HTTP/1.1 over a bare socket, for requests fetch refuses to send (odd request targets, CONNECT, raw bytes). */
import { connect } from 'node:net';

export interface RawResponse {
  /** 0 when the server closed the connection without a status line, or did not answer in time. */
  status: number;
  text: string;
}

/** Sends `head` (request line and headers, without the blank line) and `body`, then reads until the server closes. */
export function rawRequest(apiUrl: string, head: string, body: Buffer | string = '', timeoutMs = 10_000): Promise<RawResponse> {
  const { hostname, port } = new URL(apiUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const finish = () => {
      const text = Buffer.concat(chunks).toString('latin1');
      // The final status: an interim `100 Continue` may come first.
      const statuses = [...text.matchAll(/(?:^|\r\n)HTTP\/1\.[01] (\d{3})/g)].map((m) => Number(m[1]));
      resolve({ status: statuses.find((status) => status >= 200) ?? statuses[0] ?? 0, text });
    };
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('close', finish);
    socket.on('error', () => undefined);
    socket.setTimeout(timeoutMs, () => socket.destroy());
    socket.write(Buffer.concat([Buffer.from(`${head}\r\nconnection: close\r\n\r\n`, 'latin1'), Buffer.from(body)]));
  });
}

/** Sends `head` and resets the connection at once, as a client that crashes mid-request would. */
export function abruptRequest(apiUrl: string, head: string): Promise<void> {
  const { hostname, port } = new URL(apiUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`${head}\r\n\r\n`);
      setImmediate(() => socket.resetAndDestroy());
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve());
  });
}
