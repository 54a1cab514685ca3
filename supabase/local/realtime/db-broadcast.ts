/**
 * Broadcasts from the database. `realtime.send()` inserts into realtime.messages, and a trigger there
 * sends a NOTIFY naming the row. Postgres delivers NOTIFY only when the transaction commits, in commit
 * order, and never for a rolled-back one, which is when Realtime would read the row from the WAL.
 * Rows are read one at a time in the order announced, so delivery keeps commit order.
 */
import pg from 'pg';
import type { Logger } from '../core/logger.ts';

export interface StoredMessage {
  id: string;
  topic: string;
  event: string;
  private: boolean;
  payload: unknown;
  binary_payload: Buffer | null;
}

export function listenForMessages(options: { superuserUrl: string; log: Logger; onMessage: (message: StoredMessage) => void }): { stop(): void } {
  const { superuserUrl, log, onMessage } = options;
  let stopped = false;
  let client: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;
  let chain = Promise.resolve();

  const connect = async () => {
    if (stopped) return;
    const next = new pg.Client({ connectionString: superuserUrl });
    next.on('error', () => undefined);
    next.on('end', () => {
      if (client === next) client = undefined;
      // Postgres restarted (or the connection broke): listen again. Rows committed meanwhile are missed,
      // as Realtime's own replication misses nothing only because it keeps a slot.
      if (!stopped) retry = setTimeout(() => void connect(), 500);
    });
    next.on('notification', (notification) => {
      if (notification.channel !== 'realtime_messages' || !notification.payload) return;
      const id = notification.payload;
      chain = chain
        .then(async () => {
          const result = await next.query<StoredMessage>(
            `select id, topic, event, private, payload, binary_payload from realtime.messages
              where id = $1`,
            [id],
          );
          for (const row of result.rows) onMessage(row);
        })
        .catch((error: unknown) => {
          if (!stopped) log.error('realtime', 'reading a broadcast from the database failed', error);
        });
    });
    try {
      await next.connect();
      await next.query('listen realtime_messages');
      client = next;
      if (stopped) await next.end();
    } catch {
      await next.end().catch(() => undefined);
    }
  };
  void connect();
  return {
    stop() {
      stopped = true;
      clearTimeout(retry);
      void client?.end().catch(() => undefined);
    },
  };
}
