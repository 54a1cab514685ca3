import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { TextAreaField } from '../../../components/ui/fields';
import { Markdown } from '../../../components/ui/markdown';
import { useToast } from '../../../components/ui/toast';
import { apiErrorMessage } from '../../../lib/api-errors';
import type { ComposerAttachments, RenderAttachments } from '../../../lib/composer-attachments';
import { formatDateTime } from '../../../lib/format';
import { usePostMessage } from '../api/post-message';
import type { Thread } from '../api/get-thread';
import type { TicketDetail } from '../api/get-ticket';

/** The ticket's description and every visible message, as safe Markdown, each with its files (composed in by the route). */
export function TicketThread({
  ticket,
  messages,
  renderAttachments,
}: {
  ticket: TicketDetail['ticket'];
  messages: Thread['messages'];
  renderAttachments?: RenderAttachments;
}) {
  return (
    <ol className="space-y-4" aria-label="Conversation">
      <li className="rounded-lg border border-slate-200 bg-white p-4">
        <p className="text-sm text-slate-600">
          <span className="font-semibold text-slate-900">You</span> opened the ticket · {formatDateTime(ticket.created_at)}
        </p>
        <Markdown source={ticket.body} className="mt-2" />
        {renderAttachments?.(null)}
      </li>
      {messages.map((message) => (
        <li
          key={message.id}
          className={`rounded-lg border p-4 ${message.from_staff ? 'border-blue-200 bg-blue-50' : 'border-slate-200 bg-white'}`}
        >
          <p className="text-sm text-slate-700">
            <span className="font-semibold text-slate-900">{message.author_name || (message.from_staff ? 'Support' : 'You')}</span>
            {message.from_staff && ' (support engineer)'} · {formatDateTime(message.created_at)}
          </p>
          <Markdown source={message.body} className="mt-2" />
          {renderAttachments?.(message.id)}
        </li>
      ))}
    </ol>
  );
}

/** The customer's reply; with `attachments`, files dropped or pasted on it go with the message. */
export function ReplyForm({ ticketId, attachments }: { ticketId: string; attachments?: ComposerAttachments }) {
  const post = usePostMessage();
  const toast = useToast();
  const [body, setBody] = useState('');
  const [error, setError] = useState<string>();
  return (
    <form
      noValidate
      aria-label="Reply"
      className="space-y-3"
      {...attachments?.dropTarget}
      onSubmit={(event) => {
        event.preventDefault();
        if (!body.trim()) return setError('Write your reply first.');
        if (attachments?.blocker) return setError(attachments.blocker);
        setError(undefined);
        post.mutate(
          { ticketId, body },
          {
            onSuccess: (message) => {
              setBody('');
              if (!attachments) return toast.show('Reply sent.');
              // A failure to attach is shown, with a retry, by the attachments field itself.
              attachments.onSent(message.id).then(
                () => toast.show('Reply sent.'),
                () => undefined,
              );
            },
          },
        );
      }}
    >
      {post.isError && <Alert tone="error">{apiErrorMessage(post.error)}</Alert>}
      <TextAreaField
        label="Your reply"
        name="body"
        rows={5}
        value={body}
        onChange={(event) => setBody(event.target.value)}
        error={error}
        description="Markdown works: **bold**, `code`, ``` for code blocks."
      />
      {attachments?.field}
      <Button type="submit" pending={post.isPending}>
        Send reply
      </Button>
    </form>
  );
}
