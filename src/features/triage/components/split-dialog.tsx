import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/text-field';
import { TextAreaField } from '../../../components/ui/fields';
import { errorMessage } from '../../../lib/error-message';
import type { StaffTicket } from '../api/get-ticket';
import { useSplitTicket } from '../api/split-ticket';
import { splitSchema } from '../schemas';

type SplitDialogProps = {
  open: boolean;
  onClose: () => void;
  ticket: StaffTicket;
  /** The message the separate question came from: prefills the new ticket. */
  source: { body: string } | null;
  onSplit: (number: number) => void;
};

/** Split a question that is not this ticket's theme into a new ticket, assessed on its own. */
export function SplitDialog({ open, onClose, ticket, source, onSplit }: SplitDialogProps) {
  const firstLine = source?.body.split('\n').find((l) => l.trim())?.trim() ?? '';
  const [subject, setSubject] = useState(firstLine.slice(0, 200));
  const [body, setBody] = useState(source?.body ?? '');
  const [errors, setErrors] = useState<{ subject?: string; body?: string }>({});
  const split = useSplitTicket();

  const close = () => {
    split.reset();
    onClose();
  };

  return (
    <Dialog open={open} title={`Split ticket #${ticket.number}`} onClose={() => !split.isPending && close()} footer={null}>
      <form
        className="space-y-4"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const parsed = splitSchema.safeParse({ subject, body });
          if (!parsed.success) {
            const next: { subject?: string; body?: string } = {};
            for (const issue of parsed.error.issues) {
              const field = issue.path[0] as 'subject' | 'body';
              next[field] ??= issue.message;
            }
            setErrors(next);
            return;
          }
          setErrors({});
          split.mutate({ ticketId: ticket.id, subject, body }, { onSuccess: (child) => onSplit(child.number) });
        }}
      >
        <p className="text-sm text-slate-700">
          The new ticket belongs to the same customer, keeps their consent choice ({ticket.pre_approved ? 'pre-approved' : 'cost first'}) and
          starts as new. The customer is told.
        </p>
        <TextField label="Subject of the new ticket" name="subject" value={subject} onChange={(e) => setSubject(e.target.value)} error={errors.subject} maxLength={200} />
        <TextAreaField label="Description of the new ticket" name="body" rows={6} value={body} onChange={(e) => setBody(e.target.value)} error={errors.body} />
        {split.isError && <Alert tone="error" title="The ticket was not split">{errorMessage(split.error)}</Alert>}
        <div className="flex justify-end gap-2">
          <Button variant="secondary" onClick={close} disabled={split.isPending}>
            Cancel
          </Button>
          <Button type="submit" pending={split.isPending}>
            Create the new ticket
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
