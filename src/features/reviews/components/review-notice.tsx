import { Link } from '../../../components/ui/link';
import { paths } from '../../../config/paths';

const NOTICE = 'Only logged in customers who have purchased this product may leave a review.';

/** Instead of the review form, for visitors and for customers who have not bought a package. */
export function ReviewNotice({ signedIn }: { signedIn: boolean }) {
  return (
    <p className="rounded-md border border-slate-200 bg-slate-50 px-4 py-3 text-sm text-slate-800">
      {NOTICE} {!signedIn && <Link to={paths.auth.login.getHref(paths.home.getHref())}>Sign in</Link>}
    </p>
  );
}
