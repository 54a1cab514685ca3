import { Link } from '../../components/ui/link';
import { paths } from '../../config/paths';

export function SiteFooter() {
  return (
    <footer className="border-t border-slate-200 bg-white print:hidden">
      <div className="mx-auto flex max-w-5xl flex-wrap items-center justify-between gap-3 px-4 py-6 text-sm text-slate-700">
        <p>© {new Date().getFullYear()} Pro Portal · Prepaid, credit-based technical support.</p>
        <Link to={paths.home.getHref()}>Support credits and prices</Link>
      </div>
    </footer>
  );
}
