import { Link } from '../../../components/ui/link';
import { paths } from '../../../config/paths';
import { useDocumentTitle } from '../../../lib/use-document-title';

export default function CheckoutCancelRoute() {
  useDocumentTitle('Payment canceled');
  return (
    <section aria-labelledby="cancel-title" className="mx-auto max-w-lg">
      <h1 id="cancel-title" className="text-2xl font-bold">
        Payment canceled
      </h1>
      <p className="mt-4 text-slate-700">Nothing was charged and no credits were added. You can buy credits whenever you are ready.</p>
      <p className="mt-6 flex flex-wrap gap-4">
        <Link to={paths.home.getHref()}>Choose a package</Link>
        <Link to={paths.portal.root.getHref()}>Go to your portal</Link>
      </p>
    </section>
  );
}
