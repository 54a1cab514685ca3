import { Link } from '../../components/ui/link';
import { paths } from '../../config/paths';
import { useDocumentTitle } from '../../lib/use-document-title';

/** Shown instead of staff or admin pages to someone without the role; nothing of those pages is loaded. */
export function NotAllowed({ area }: { area: 'staff' | 'admin' }) {
  useDocumentTitle('Not allowed');
  return (
    <section aria-labelledby="not-allowed-title" className="mx-auto max-w-xl py-8 text-center">
      <h1 id="not-allowed-title" className="text-2xl font-bold">
        Not allowed
      </h1>
      <p className="mt-4 text-slate-700">
        {area === 'staff'
          ? 'This area is for support engineers and administrators. Your account does not have that role.'
          : 'This area is for administrators. Your account does not have that role.'}{' '}
        If you think it should, ask an administrator.
      </p>
      <p className="mt-6">
        <Link to={paths.portal.root.getHref()}>Go to your portal</Link>
      </p>
    </section>
  );
}
