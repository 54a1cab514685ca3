import { useEffect, useState, type ReactNode } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { ConfirmDialog } from '../../../components/ui/dialog';
import { Markdown } from '../../../components/ui/markdown';
import { TextAreaField } from '../../../components/ui/fields';
import type { ComposerAttachments, RenderAttachments } from '../../../lib/composer-attachments';
import { errorMessage } from '../../../lib/error-message';
import { isOpenStatus, isWaitingOnCustomer } from '../../../lib/ticket-status';
import type { StaffTicket } from '../api/get-ticket';
import { useTicketMessages, type TicketMessage } from '../api/get-ticket-messages';
import { usePostMessage } from '../api/post-message';
import { messageSchema } from '../schemas';

const when = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** Files in the thread and on the composer, composed in by the route (features do not import each other). */
export type ThreadAttachments = { render: RenderAttachments; composer: ComposerAttachments };

/**
 * Two engineers answering one ticket at once: `othersReplying` names who else is writing a reply now
 * ("Grace is"), and `onComposing` hears whether this engineer is (the composer has focus or text).
 */
export type Collision = { othersReplying: string | null; onComposing: (composing: boolean) => void };

/** The ticket's description and conversation (Markdown, rendered safely), with reply and internal note. */
export function Thread({
  ticket,
  onSplitFrom,
  attachments,
  collision,
}: {
  ticket: StaffTicket;
  onSplitFrom: (source: { body: string }) => void;
  attachments?: ThreadAttachments | undefined;
  collision?: Collision | undefined;
}) {
  const { data: messages } = useTicketMessages(ticket.id);
  const open = isOpenStatus(ticket.status);
  return (
    <section aria-labelledby="thread-title" className="space-y-4">
      <h2 id="thread-title" className="text-lg font-bold">
        Conversation
      </h2>
      <ol className="space-y-3">
        <li>
          <MessageCard
            author="Customer (ticket description)"
            at={ticket.created_at}
            body={ticket.body}
            tone="customer"
            onSplit={open ? () => onSplitFrom({ body: ticket.body }) : undefined}
            attachments={attachments?.render(null)}
          />
        </li>
        {messages.map((m: TicketMessage) => (
          <li key={m.id}>
            <MessageCard
              author={`${m.author_name || 'Someone'}${m.internal ? ' — internal note' : ''}`}
              at={m.created_at}
              body={m.body}
              tone={m.internal ? 'internal' : m.from_staff ? 'staff' : 'customer'}
              onSplit={open && !m.from_staff ? () => onSplitFrom({ body: m.body }) : undefined}
              attachments={attachments?.render(m.id)}
            />
          </li>
        ))}
      </ol>
      <ReplyForm ticket={ticket} attachments={attachments?.composer} collision={collision} />
    </section>
  );
}

const tones = {
  customer: 'border-slate-200 bg-white',
  staff: 'border-blue-200 bg-blue-50',
  internal: 'border-amber-300 bg-amber-50',
} as const;

function MessageCard(props: {
  author: string;
  at: string;
  body: string;
  tone: keyof typeof tones;
  onSplit?: (() => void) | undefined;
  attachments?: ReactNode;
}) {
  return (
    <article className={`rounded-md border p-4 ${tones[props.tone]}`}>
      <header className="flex flex-wrap items-baseline justify-between gap-2 text-sm">
        <span className="font-semibold">{props.author}</span>
        <span className="text-slate-700">
          <time dateTime={props.at}>{when.format(new Date(props.at))}</time>
          {props.onSplit && (
            <button type="button" onClick={props.onSplit} className="ml-3 text-blue-800 underline focus-visible:outline-2 focus-visible:outline-blue-800">
              Split into a new ticket
            </button>
          )}
        </span>
      </header>
      <Markdown source={props.body} className="mt-2 text-slate-900" />
      {props.attachments}
    </article>
  );
}

function ReplyForm({
  ticket,
  attachments,
  collision,
}: {
  ticket: StaffTicket;
  attachments?: ComposerAttachments | undefined;
  collision?: Collision | undefined;
}) {
  const [body, setBody] = useState('');
  const [focused, setFocused] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [fieldError, setFieldError] = useState<string>();
  const post = usePostMessage();
  const waiting = isWaitingOnCustomer(ticket.status);
  const composing = focused || body.trim() !== '';
  const othersReplying = collision?.othersReplying ?? null;
  const onComposing = collision?.onComposing;
  useEffect(() => onComposing?.(composing), [onComposing, composing]);

  const send = (internal: boolean, confirmed = false) => {
    const parsed = messageSchema.safeParse({ body });
    setFieldError(parsed.success ? undefined : parsed.error.issues[0]?.message);
    if (!parsed.success) return;
    if (attachments?.blocker) return setFieldError(attachments.blocker);
    // An internal note does not reach the customer: two at once do no harm.
    if (!internal && othersReplying && !confirmed) return setConfirming(true);
    setConfirming(false);
    post.mutate(
      { ticketId: ticket.id, body, internal },
      {
        onSuccess: (message) => {
          setBody('');
          // A failure to attach is shown, with a retry, by the attachments field itself.
          attachments?.onSent(message.id, { internal }).catch(() => undefined);
        },
      },
    );
  };

  return (
    <form className="space-y-3 rounded-md border border-slate-200 p-4" noValidate onSubmit={(e) => e.preventDefault()} {...attachments?.dropTarget}>
      <TextAreaField
        label="Your message (Markdown)"
        name="body"
        rows={5}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        error={fieldError}
        description={
          waiting
            ? 'This ticket waits for the customer (confirmation or credits): it is answered once charged. Internal notes are fine.'
            : 'A reply is sent to the customer; an internal note is seen by staff only.'
        }
      />
      <div role="status" aria-live="polite">
        {othersReplying && composing && (
          <p className="rounded-md border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-950">
            <span className="font-semibold">{othersReplying} replying to this ticket right now.</span> Check their answer before you send
            yours, so the customer does not get two.
          </p>
        )}
      </div>
      {attachments?.field}
      {post.isError && <Alert tone="error" title="The message was not posted">{errorMessage(post.error)}</Alert>}
      <div className="flex flex-wrap justify-end gap-2">
        <Button variant="secondary" pending={post.isPending && post.variables.internal} disabled={post.isPending} onClick={() => send(true)}>
          Add internal note
        </Button>
        <Button pending={post.isPending && !post.variables.internal} disabled={post.isPending || waiting} onClick={() => send(false)}>
          Send reply
        </Button>
      </div>
      <ConfirmDialog
        open={confirming}
        title="Send while someone else is replying?"
        confirmLabel="Send anyway"
        pending={false}
        onConfirm={() => send(false, true)}
        onClose={() => setConfirming(false)}
      >
        <p>{othersReplying ?? 'Another engineer is'} writing a reply to this ticket too. If you both send, the customer gets two answers.</p>
      </ConfirmDialog>
    </form>
  );
}
