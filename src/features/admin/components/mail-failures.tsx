import { useState } from 'react';
import { Alert } from '../../../components/ui/alert';
import { ConfirmDialog } from '../../../components/ui/dialog';
import { useToast } from '../../../components/ui/toast';
import { apiErrorMessage } from '../../../lib/api-errors';
import { humanizeCode } from '../../../lib/category-label';
import { useMailFailures, useRetryMail, type MailFailure } from '../api/mail-failures';
import { MailFailureTable } from './mail-failure-table';

/** Mail that did not go out, with a way to send each one again after saying yes. */
export function MailFailures() {
  const failures = useMailFailures();
  const [retrying, setRetrying] = useState<MailFailure | null>(null);

  if (failures.isPending) return <p role="status">Loading mail problems…</p>;
  if (failures.isError) return <Alert tone="error">{apiErrorMessage(failures.error)}</Alert>;
  return (
    <>
      <MailFailureTable failures={failures.data} onRetry={setRetrying} />
      <RetryDialog failure={retrying} onClose={() => setRetrying(null)} />
    </>
  );
}

function RetryDialog({ failure, onClose }: { failure: MailFailure | null; onClose: () => void }) {
  const retry = useRetryMail();
  const toast = useToast();
  const close = () => {
    retry.reset();
    onClose();
  };
  return (
    <ConfirmDialog
      open={failure !== null}
      title="Send this e-mail again?"
      confirmLabel="Yes, send again"
      pending={retry.isPending}
      onClose={close}
      onConfirm={() => {
        if (!failure) return;
        retry.mutate(failure.id, {
          onSuccess: () => {
            close();
            toast.show(`The ${humanizeCode(failure.kind).toLowerCase()} e-mail to ${failure.to_email} is queued again.`);
          },
        });
      }}
      error={retry.isError && <Alert tone="error">{apiErrorMessage(retry.error)}</Alert>}
    >
      {failure && (
        <>
          <p>
            The “{humanizeCode(failure.kind)}” e-mail to <strong className="break-all">{failure.to_email}</strong> goes back into the queue and
            is sent within a minute. If the address was blocked after a bounce, it is unblocked.
          </p>
          {failure.status === 'unknown' && (
            <p className="font-semibold">It may already have been delivered: sending again can give the person a second copy.</p>
          )}
        </>
      )}
    </ConfirmDialog>
  );
}
