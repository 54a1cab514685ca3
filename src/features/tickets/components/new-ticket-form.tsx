import { useState, type ReactNode } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { TextAreaField } from '../../../components/ui/fields';
import { TextField } from '../../../components/ui/text-field';
import { apiErrorMessage } from '../../../lib/api-errors';
import type { ComposerAttachments } from '../../../lib/composer-attachments';
import { parseForm, revalidateShownErrors, type FieldErrors } from '../../../lib/form';
import { useCreateTicket, useDefaultPreApprovalCeiling } from '../api/create-ticket';
import { shownCeiling } from '../pre-approval-ceiling';
import { newTicketSchema, type NewTicketInput } from '../schemas';

/**
 * Subject, description (Markdown), the consent choice explained, and an optional upgrade. The version
 * pickers and the live cost come from the catalogue, composed in by the route (`upgrade`), and so do the
 * files (`attachments`: queued here, uploaded by the route once the ticket exists).
 */
export function NewTicketForm({
  onCreated,
  upgrade,
  attachments,
}: {
  onCreated: (ticket: { id: string; number: number }) => void;
  attachments?: ComposerAttachments;
  upgrade: (range: { from: string; to: string; setRange: (range: { from: string; to: string }) => void }) => ReactNode;
}) {
  const create = useCreateTicket();
  const [errors, setErrors] = useState<FieldErrors<NewTicketInput>>({});
  const [range, setRange] = useState({ from: '', to: '' });
  const [consent, setConsent] = useState('');
  const defaultCeiling = useDefaultPreApprovalCeiling().data;
  // Controlled, not re-keyed on the default: remounting the field when the default arrived dropped a
  // ceiling the customer had already typed.
  const [typedCeiling, setTypedCeiling] = useState<string>();

  return (
    <form
      noValidate
      aria-label="New ticket"
      className="space-y-6"
      {...attachments?.dropTarget}
      // A message goes as soon as its field is fixed (the upgrade versions, say), not at the next submit.
      onChange={(event) => {
        const form = event.currentTarget;
        setErrors((shown) => revalidateShownErrors(newTicketSchema, form, shown));
        const target: EventTarget = event.target;
        if (target instanceof HTMLInputElement && target.name === 'consent') setConsent(target.value);
      }}
      onSubmit={(event) => {
        event.preventDefault();
        if (create.isPending) return;
        const form = event.currentTarget;
        const parsed = parseForm(newTicketSchema, form);
        if (!parsed.ok) {
          setErrors(parsed.fieldErrors);
          const first = Object.keys(parsed.fieldErrors)[0];
          const field = first ? form.elements.namedItem(first) : null;
          if (field instanceof HTMLElement) field.focus();
          else if (field instanceof RadioNodeList) (field[0] as HTMLElement | undefined)?.focus();
          return;
        }
        setErrors({});
        create.mutate(parsed.data, { onSuccess: onCreated });
      }}
    >
      {create.isError && <Alert tone="error">{apiErrorMessage(create.error)}</Alert>}
      <TextField label="Subject" name="subject" required maxLength={200} error={errors.subject} description="One issue per ticket: say in a few words what it is about." />
      <TextAreaField
        label="Description"
        name="body"
        rows={8}
        required
        error={errors.body}
        description="What happened, what you expected, and what you tried. Markdown works: **bold**, `code`, ``` for code blocks, - lists."
      />

      {attachments && (
        <fieldset>
          <legend className="text-sm font-medium text-slate-900">Files (optional): logs, screenshots, configuration</legend>
          <div className="mt-2">{attachments.field}</div>
        </fieldset>
      )}

      <fieldset aria-describedby={errors.consent ? 'consent-error' : undefined}>
        <legend className="text-sm font-medium text-slate-900">How do you agree to the price?</legend>
        <div className="mt-2 space-y-2">
          <label className="flex gap-3 rounded-md border border-slate-300 bg-white p-3 has-checked:border-blue-800 has-checked:bg-blue-50">
            <input type="radio" name="consent" value="pre_approved" className="mt-1 size-4 accent-blue-800" />
            <span>
              <span className="font-semibold">I agree in advance with the assessment</span>
              <span className="block text-sm text-slate-700">
                The engineer assesses the ticket and the credits are taken at once, so work starts straight away. (Code
                modifications are always priced with you first.)
              </span>
            </span>
          </label>
          {consent === 'pre_approved' && (
            <TextField
              label="Most credits to take without asking me"
              name="pre_approval_ceiling"
              type="number"
              inputMode="numeric"
              min={1}
              max={100000}
              value={shownCeiling(typedCeiling, defaultCeiling)}
              onChange={(event) => setTypedCeiling(event.target.value)}
              error={errors.pre_approval_ceiling}
              className="ml-7"
              description="If the assessment costs more than this (a large upgrade, say), you are asked to confirm the price first. Raise it to let bigger work start straight away."
            />
          )}
          <label className="flex gap-3 rounded-md border border-slate-300 bg-white p-3 has-checked:border-blue-800 has-checked:bg-blue-50">
            <input type="radio" name="consent" value="cost_first" className="mt-1 size-4 accent-blue-800" />
            <span>
              <span className="font-semibold">Tell me the cost first</span>
              <span className="block text-sm text-slate-700">
                You see the category and credits and confirm or decline before anything is charged. Simple questions (level 1,
                5 credits) are answered without asking.
              </span>
            </span>
          </label>
        </div>
        {errors.consent && (
          <p id="consent-error" className="mt-1 text-sm text-red-800">
            {errors.consent}
          </p>
        )}
      </fieldset>

      <fieldset className="space-y-3 rounded-md border border-slate-200 p-3">
        <legend className="px-1 text-sm font-medium text-slate-900">Is this an upgrade? (optional)</legend>
        {upgrade({ ...range, setRange })}
        {errors.upgrade_to && <p className="text-sm text-red-800">{errors.upgrade_to}</p>}
      </fieldset>

      <Button type="submit" pending={create.isPending}>
        {create.isPending ? 'Opening the ticket…' : 'Open ticket'}
      </Button>
    </form>
  );
}
