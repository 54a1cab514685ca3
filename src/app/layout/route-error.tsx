import { isRouteErrorResponse, useRouteError } from 'react-router-dom';
import { Button } from '../../components/ui/button';
import { Link } from '../../components/ui/link';
import { paths } from '../../config/paths';
import { useDocumentTitle } from '../../lib/use-document-title';
import { NotFoundMessage } from '../routes/not-found';

// After a deploy, or offline, the browser cannot fetch a lazy route's chunk; reloading is the remedy.
const isChunkLoadError = (error: unknown) =>
  error instanceof TypeError && /dynamically imported module|module script|Failed to fetch/i.test(error.message);

export function RouteError() {
  const error = useRouteError();
  useDocumentTitle('Something went wrong');

  if (isRouteErrorResponse(error) && error.status === 404) return <NotFoundMessage />;

  const message = isChunkLoadError(error)
    ? 'We could not load this page. Check your internet connection, then try again.'
    : 'Something went wrong while showing this page. Trying again usually helps; if it keeps happening, contact us through the portal.';

  return (
    <section aria-labelledby="route-error-title" className="mx-auto max-w-xl py-8 text-center">
      <h1 id="route-error-title" className="text-2xl font-bold">
        Something went wrong
      </h1>
      <p className="mt-4 text-slate-700">{message}</p>
      <div className="mt-6 flex flex-wrap items-center justify-center gap-4">
        <Button onClick={() => window.location.reload()}>Try again</Button>
        <Link to={paths.home.getHref()}>Go to the home page</Link>
      </div>
    </section>
  );
}
