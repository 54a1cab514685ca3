import type { QueryClient } from '@tanstack/react-query';
import { packagesQueryOptions } from '../../../features/admin/api/get-packages';
import { usersQueryOptions } from '../../../features/admin/api/search-users';
import { CategoriesEditor } from '../../../features/admin/components/categories-editor';
import { CreditAdjustment } from '../../../features/admin/components/credit-adjustment';
import { PackagesEditor } from '../../../features/admin/components/packages-editor';
import { PaymentProblems } from '../../../features/admin/components/payment-problems';
import { ReleasesEditor } from '../../../features/admin/components/releases-editor';
import { UsersEditor } from '../../../features/admin/components/users-editor';
import { categoriesQueryOptions, releasesQueryOptions } from '../../../lib/catalogue/queries';
import { Link } from '../../../components/ui/link';
import { paths } from '../../../config/paths';
import { useDocumentTitle } from '../../../lib/use-document-title';
import { roleFor } from '../require-role';

export const clientLoader = (queryClient: QueryClient) => async () => {
  if (!(await roleFor(queryClient, 'admin'))) return null;
  await Promise.all([
    queryClient.ensureQueryData(packagesQueryOptions()),
    queryClient.ensureQueryData(categoriesQueryOptions()),
    queryClient.ensureQueryData(releasesQueryOptions()),
    queryClient.ensureQueryData(usersQueryOptions('')),
  ]);
  return null;
};

const sections = [
  ['packages-title', 'Packages'],
  ['categories-title', 'Categories'],
  ['releases-title', 'Releases'],
  ['users-title', 'Users'],
  ['adjust-title', 'Credit adjustments'],
  ['payments-title', 'Payment problems'],
] as const;

export default function AdminRoute() {
  useDocumentTitle('Administration');
  return (
    <div className="space-y-10">
      <div>
        <h1 className="text-2xl font-bold">Administration</h1>
        <nav aria-label="Admin sections" className="mt-3">
          <ul className="flex flex-wrap gap-3 text-sm">
            {sections.map(([id, label]) => (
              <li key={id}>
                <a href={`#${id}`} className="text-blue-800 underline">
                  {label}
                </a>
              </li>
            ))}
            <li>
              <Link to={paths.admin.mailProblems.getHref()}>Mail problems</Link>
            </li>
          </ul>
        </nav>
      </div>
      <PackagesEditor />
      <CategoriesEditor />
      <ReleasesEditor />
      <UsersEditor />
      <CreditAdjustment />
      <PaymentProblems />
    </div>
  );
}
