/**
 * The local mail catcher, in Mailpit's place (the Supabase CLI runs Mailpit for `[local_smtp]`): an
 * SMTP listener that accepts any mail without auth or TLS and keeps it, and Mailpit's HTTP API and a
 * web UI to read it, each on its own port.
 */
import { rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { SMTPServer } from 'smtp-server';
import type { Logger } from '../core/logger.ts';
import { mailHttpHandler } from './http.ts';
import { createInboundForwarder, type InboundForwarding } from './inbound.ts';
import { MailStore } from './store.ts';

/** Mailpit's default `--smtp-max-message-size` is larger; 10 MB is ample for anything a product sends. */
export const DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

export interface MailServiceOptions {
  dataDir: string;
  /** HTTP API and UI; 0 picks a free one. */
  port: number;
  /** SMTP; 0 picks a free one. */
  smtpPort: number;
  log: Logger;
  maxMessageBytes?: number;
  /** Start with no mail, as `--reset` starts with a new database: old links would point at users gone. */
  reset?: boolean;
  /** Mail for the reply domain also goes to the inbound-email function, as a provider's route would send it. */
  inbound?: InboundForwarding;
}

export interface MailService {
  url: string;
  smtpPort: number;
  close(): Promise<void>;
}

function listen(server: { listen(port: number, host: string, done: () => void): unknown; once(event: 'error', fn: (error: Error) => void): unknown }, port: number) {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
}

export async function startMailService(options: MailServiceOptions): Promise<MailService> {
  if (options.reset) rmSync(join(options.dataDir, 'mail'), { recursive: true, force: true });
  const store = new MailStore(options.dataDir);
  const maxBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const inbound = options.inbound ? createInboundForwarder(options.inbound, options.log) : undefined;
  const smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    size: maxBytes,
    logger: false,
    // A stop must not wait out a client that keeps its connection open.
    closeTimeout: 1000,
    banner: 'supabase-local mail catcher',
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      let received = 0;
      // Past the limit the rest is read and dropped: it will be refused, so there is no need to hold it.
      stream.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received <= maxBytes) chunks.push(chunk);
      });
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          const error = Object.assign(new Error(`Message exceeds the fixed maximum message size of ${maxBytes} bytes`), { responseCode: 552 });
          return callback(error);
        }
        const envelope = {
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((rcpt) => rcpt.address),
        };
        const raw = Buffer.concat(chunks);
        store.add(raw, envelope).then(
          (message) => {
            inbound?.receive(raw, envelope);
            callback(null, `Ok: queued as ${message.ID}`);
          },
          (error: unknown) => {
            options.log.error('mail', 'could not store a message', error);
            callback(Object.assign(new Error('The message could not be stored'), { responseCode: 451 }));
          },
        );
      });
    },
  });
  smtp.on('error', (error) => options.log.error('mail', 'SMTP error', error));
  const http: Server = createServer(mailHttpHandler(store, (error) => options.log.error('mail', 'API request failed', error)));

  await listen(smtp.server, options.smtpPort);
  try {
    await listen(http, options.port);
  } catch (error) {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
    throw error;
  }
  const smtpPort = (smtp.server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  options.log.info('mail', `Mailpit-compatible API on ${url}, SMTP on 127.0.0.1:${smtpPort}`);
  return {
    url,
    smtpPort,
    async close() {
      inbound?.close();
      await Promise.all([
        new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        }),
        new Promise<void>((resolve) => smtp.close(() => resolve())),
      ]);
    },
  };
}
