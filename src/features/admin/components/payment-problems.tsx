import { useState, type ReactNode } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { TextField } from '../../../components/ui/text-field';
import { errorMessage } from '../../../lib/error-message';
import { formatCredits } from '../../../lib/format';
import { useMarkOrderRefunded, usePaymentProblems, useResolvePaymentEvent } from '../api/payment-problems';

const money = (cents: number, currency: string) => `${(cents / 100).toFixed(2)} ${currency.toUpperCase()}`;

/** One open problem with its note and action: nothing happens until the admin says what they did. */
function ProblemItem({
  label,
  children,
  action,
  onDone,
  pending,
  error,
}: {
  label: string;
  children: ReactNode;
  action: string;
  onDone: (note: string) => void;
  pending: boolean;
  error: unknown;
}) {
  const [note, setNote] = useState('');
  return (
    <li className="space-y-2 rounded-md border border-slate-200 p-3">
      {children}
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          if (!pending) onDone(note);
        }}
      >
        <TextField label={`What was done (${label})`} name="note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} />
        <Button type="submit" variant="secondary" pending={pending} disabled={note.trim().length < 3}>
          {action}
        </Button>
      </form>
      {error ? <Alert tone="error">{errorMessage(error)}</Alert> : null}
    </li>
  );
}

/** Payments an admin must look at: events that did not match their order, and paid orders to refund. */
export function PaymentProblems() {
  const problems = usePaymentProblems();
  const resolve = useResolvePaymentEvent();
  const refunded = useMarkOrderRefunded();
  const events = problems.data?.events ?? [];
  const orders = problems.data?.orders ?? [];

  return (
    <section aria-labelledby="payments-title" className="space-y-3">
      <h2 id="payments-title" className="text-xl font-bold">
        Payment problems
      </h2>
      {problems.isPending && <p role="status">Loading payment problems…</p>}
      {problems.isError && <Alert tone="error">{errorMessage(problems.error)}</Alert>}
      {problems.isSuccess && events.length === 0 && orders.length === 0 && <p>No payment needs attention.</p>}
      {events.length > 0 && (
        <>
          <h3 className="font-semibold">Payment events that did not match their order (nothing was credited)</h3>
          <ul className="space-y-2">
            {events.map((event) => (
              <ProblemItem
                key={event.id}
                label={`event ${event.id}`}
                action="Mark resolved"
                pending={resolve.isPending && resolve.variables.eventId === event.id}
                error={resolve.isError && resolve.variables.eventId === event.id ? resolve.error : null}
                onDone={(note) => resolve.mutate({ eventId: event.id, note })}
              >
                <p className="text-sm">
                  <strong>{event.type}</strong> {event.id} · {new Date(event.created_at).toLocaleString()}
                  {event.order_id && ` · order ${event.order_id}`}
                </p>
                <p className="text-sm text-slate-800">{event.problem}</p>
              </ProblemItem>
            ))}
          </ul>
        </>
      )}
      {orders.length > 0 && (
        <>
          <h3 className="font-semibold">Paid orders that could not be credited: refund the payment</h3>
          <ul className="space-y-2">
            {orders.map((order) => (
              <ProblemItem
                key={order.id}
                label={`order ${order.id}`}
                action="Mark refunded"
                pending={refunded.isPending && refunded.variables.orderId === order.id}
                error={refunded.isError && refunded.variables.orderId === order.id ? refunded.error : null}
                onDone={(note) => refunded.mutate({ orderId: order.id, note })}
              >
                <p className="text-sm">
                  Order {order.id}: {formatCredits(order.credits)} for {money(order.amount_cents, order.currency)} ({order.provider}
                  {order.provider_payment_id && ` payment ${order.provider_payment_id}`})
                </p>
                <p className="text-sm text-slate-800">{order.failure_reason}</p>
                <p className="text-sm text-slate-700">Refund the payment in the payment provider&apos;s dashboard, then record it here.</p>
              </ProblemItem>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
