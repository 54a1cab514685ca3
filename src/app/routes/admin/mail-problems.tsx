import type { QueryClient } from '@tanstack/react-query';
import { Link } from '../../../components/ui/link';
import { paths } from '../../../config/paths';
import { mailFailuresQueryOptions } from '../../../features/admin/api/mail-failures';
import { MailFailures } from '../../../features/admin/components/mail-failures';
import { useDocumentTitle } from '../../../lib/use-document-title';
import { roleFor } from '../require-role';

export const clientLoader = (queryClient: QueryClient) => async () => {
  if (await roleFor(queryClient, 'admin')) await queryClient.ensureQueryData(mailFailuresQueryOptions());
  return null;
};

export default function MailProblemsRoute() {
  useDocumentTitle('Mail problems');
  return (
    <section aria-labelledby="mail-problems-title" className="space-y-4">
      <p className="text-sm">
        <Link to={paths.admin.root.getHref()}>Administration</Link>
      </p>
      <h1 id="mail-problems-title" className="text-2xl font-bold">
        Mail problems
      </h1>
      <p className="max-w-prose text-slate-700">
        Notification e-mails that were not sent and will not be tried again by themselves. Temporary failures are retried automatically
        with growing pauses; they show here only when the retries run out.
      </p>
      <MailFailures />
    </section>
  );
}
