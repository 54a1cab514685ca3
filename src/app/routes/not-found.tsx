import { Link } from '../../components/ui/link';
import { paths } from '../../config/paths';
import { useDocumentTitle } from '../../lib/use-document-title';

export function NotFoundMessage() {
  useDocumentTitle('Page not found');
  return (
    <section aria-labelledby="not-found-title" className="mx-auto max-w-xl py-8 text-center">
      <p className="text-sm font-semibold text-blue-800">404</p>
      <h1 id="not-found-title" className="mt-2 text-2xl font-bold">
        Page not found
      </h1>
      <p className="mt-4 text-slate-700">The page you asked for does not exist. Check the address, or start again from the home page.</p>
      <p className="mt-6">
        <Link to={paths.home.getHref()}>Go to the home page</Link>
      </p>
    </section>
  );
}
