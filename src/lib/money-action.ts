import { useRef, useState } from 'react';

/**
 * For a button that moves money: one idempotency key per intended action (the database applies a key
 * once, so a retried request is harmless), and a guard set synchronously on the first click, so a double
 * click sends one request — TanStack Query's own isPending reaches the button only after a later render.
 * `renew()` after success gives the next action a fresh key; after a failure the same key is reused, so a
 * retry of a request that did land is still applied once.
 */
export function useMoneyAction() {
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [sending, setSending] = useState(false);
  const busy = useRef(false);
  return {
    key,
    sending,
    run(send: (key: string) => Promise<unknown>) {
      if (busy.current) return;
      busy.current = true;
      setSending(true);
      void send(key)
        .catch(() => undefined) // shown by the caller from its mutation's error
        .finally(() => {
          busy.current = false;
          setSending(false);
        });
    },
    renew() {
      setKey(crypto.randomUUID());
    },
  };
}
