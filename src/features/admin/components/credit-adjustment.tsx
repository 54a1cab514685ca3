import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Button } from '../../../components/ui/button';
import { Dialog } from '../../../components/ui/dialog';
import { TextField } from '../../../components/ui/text-field';
import { TextAreaField } from '../../../components/ui/fields';
import { errorMessage } from '../../../lib/error-message';
import { formatCredits } from '../../../lib/format';
import { useMoneyAction } from '../../../lib/money-action';
import { previewAdjustment } from '../adjustment-preview';
import { useAdjustCredits } from '../api/adjust-credits';
import { useAccount } from '../api/find-account';
import { adjustmentSchema } from '../schemas';

/** Add or remove credits on a customer's account, with a required note; confirmed before it is done. */
export function CreditAdjustment() {
  const [emailText, setEmailText] = useState('');
  const [email, setEmail] = useState('');
  const found = useAccount(email);
  const [amount, setAmount] = useState('');
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<{ amount?: string; note?: string }>({});
  const [confirming, setConfirming] = useState<{ amount: number; note: string } | null>(null);
  const [done, setDone] = useState<string>();
  const adjust = useAdjustCredits();
  const action = useMoneyAction();
  const account = found.data?.account;
  // Worked out again on every render: the balance may have changed since the adjustment was reviewed.
  const preview = confirming && account ? previewAdjustment(account.balance, confirming.amount) : null;

  return (
    <section aria-labelledby="adjust-title" className="space-y-3">
      <h2 id="adjust-title" className="text-xl font-bold">
        Credit adjustments
      </h2>
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          setDone(undefined);
          setEmail(emailText.trim());
        }}
      >
        <TextField label="Customer email" name="account-email" type="email" value={emailText} onChange={(e) => setEmailText(e.target.value)} />
        <Button type="submit" variant="secondary">
          Find account
        </Button>
      </form>
      {found.isFetching && <p role="status">Looking up the account…</p>}
      {found.isError && <Alert tone="error">{errorMessage(found.error)}</Alert>}
      {found.isSuccess && !found.data && <Alert tone="info">Nobody has the email {email}.</Alert>}
      {found.isSuccess && found.data && !account && <Alert tone="info">{found.data.email} has no credit account.</Alert>}
      {done && <Alert tone="success">{done}</Alert>}
      {account && (
        <form
          className="space-y-3 rounded-md border border-slate-200 p-4"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            const parsed = adjustmentSchema.safeParse({ amount, note });
            if (!parsed.success) {
              const next: typeof errors = {};
              for (const issue of parsed.error.issues) next[issue.path[0] as 'amount'] ??= issue.message;
              setErrors(next);
              return;
            }
            const reviewed = previewAdjustment(account.balance, parsed.data.amount);
            if (!reviewed.ok) {
              setErrors({ amount: reviewed.problem });
              return;
            }
            setErrors({});
            setConfirming(parsed.data);
          }}
        >
          <p>
            <strong>{found.data?.email}</strong> — {account.name}: <span aria-live="polite">balance {formatCredits(account.balance)}</span>
          </p>
          <TextField label="Credits (+ to add, − to remove)" name="amount" type="number" value={amount} onChange={(e) => setAmount(e.target.value)} error={errors.amount} />
          <TextAreaField label="Note (required; shown on the statement)" name="note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} error={errors.note} maxLength={500} />
          <Button type="submit">Review adjustment</Button>
        </form>
      )}
      {confirming && account && (
        <Dialog open title="Confirm the adjustment" onClose={() => !action.sending && setConfirming(null)} footer={null}>
          <div className="space-y-4">
            <p>
              {confirming.amount > 0 ? `Add ${formatCredits(confirming.amount)}` : `Remove ${formatCredits(-confirming.amount)}`}{' '}
              {confirming.amount > 0 ? 'to' : 'from'} {found.data?.email}
              {preview?.ok ? `: balance ${account.balance} → ${preview.balanceAfter}.` : '.'}
              {confirming.amount > 0 && ' Tickets waiting for credits are charged if the balance covers them.'}
            </p>
            {preview && !preview.ok && <Alert tone="error">{preview.problem}</Alert>}
            <p className="text-sm text-slate-700">Note: {confirming.note}</p>
            {adjust.isError && <Alert tone="error" title="Nothing was changed">{errorMessage(adjust.error)}</Alert>}
            <div className="flex justify-end gap-2">
              <Button variant="secondary" onClick={() => setConfirming(null)} disabled={action.sending}>
                Cancel
              </Button>
              <Button
                pending={action.sending}
                disabled={!preview?.ok}
                onClick={() =>
                  action.run((idempotencyKey) =>
                    adjust.mutateAsync({ accountId: account.id, amount: confirming.amount, note: confirming.note, idempotencyKey }).then(() => {
                      setDone(`${confirming.amount > 0 ? 'Added' : 'Removed'} ${formatCredits(Math.abs(confirming.amount))}.`);
                      setConfirming(null);
                      setAmount('');
                      setNote('');
                      action.renew();
                    }),
                  )
                }
              >
                Confirm adjustment
              </Button>
            </div>
          </div>
        </Dialog>
      )}
    </section>
  );
}
