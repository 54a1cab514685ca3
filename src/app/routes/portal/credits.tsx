import type { QueryClient } from '@tanstack/react-query';
import { Suspense } from 'react';
import { Alert } from '../../../components/ui/alert';
import { Skeleton } from '../../../components/ui/skeleton';
import { packagesQueryOptions, usePackages } from '../../../features/catalogue/api/queries';
import { PackagePicker } from '../../../features/catalogue/components/package-picker';
import { accountQueryOptions, useAccount, type Account } from '../../../features/credits/api/get-account';
import { ordersQueryOptions, useOrders } from '../../../features/credits/api/get-orders';
import { statementQueryOptions, useStatement } from '../../../features/credits/api/get-statement';
import { BalanceCard } from '../../../features/credits/components/balance-card';
import { OrdersTable } from '../../../features/credits/components/orders-table';
import { StatementTable } from '../../../features/credits/components/statement-table';
import { useAuthSession } from '../../../lib/auth-session';
import { PageHeader } from './page-header';
import { portalLoader } from './portal-loader';

export const clientLoader = (queryClient: QueryClient) =>
  portalLoader(async (userId) => {
    const [account] = await Promise.all([
      queryClient.ensureQueryData(accountQueryOptions(userId)),
      queryClient.ensureQueryData(packagesQueryOptions()),
    ]);
    if (account) {
      await Promise.all([
        queryClient.ensureQueryData(statementQueryOptions(account.id)),
        queryClient.ensureQueryData(ordersQueryOptions(account.id)),
      ]);
    }
  });

function Statement({ account }: { account: Account }) {
  const { data: lines } = useStatement(account.id);
  return <StatementTable lines={lines} />;
}

function Orders({ account }: { account: Account }) {
  const { data: orders } = useOrders(account.id);
  return <OrdersTable orders={orders} />;
}

function Buy() {
  const { data: packages } = usePackages();
  return <PackagePicker packages={packages} />;
}

function Credits({ userId }: { userId: string }) {
  const { data: account } = useAccount(userId);
  if (!account) return <Alert tone="info">Your sign-in has no credit account. Contact support through a ticket.</Alert>;
  return (
    <div className="space-y-10">
      <div className="grid gap-6 lg:grid-cols-[20rem_1fr]">
        <BalanceCard account={account} />
        <section aria-labelledby="buy-title" className="rounded-lg border border-slate-200 bg-white p-4 sm:p-6">
          <h2 id="buy-title" className="text-lg font-bold">
            Buy more credits
          </h2>
          <div className="mt-3">
            <Suspense fallback={<Skeleton lines={3} />}>
              <Buy />
            </Suspense>
          </div>
        </section>
      </div>
      <section aria-labelledby="statement-title" className="space-y-3">
        <h2 id="statement-title" className="text-lg font-bold">
          Statement
        </h2>
        <Suspense fallback={<Skeleton lines={6} label="Loading the statement…" />}>
          <Statement account={account} />
        </Suspense>
      </section>
      <section aria-labelledby="orders-title" className="space-y-3">
        <h2 id="orders-title" className="text-lg font-bold">
          Orders
        </h2>
        <Suspense fallback={<Skeleton lines={4} label="Loading orders…" />}>
          <Orders account={account} />
        </Suspense>
      </section>
    </div>
  );
}

export default function CreditsRoute() {
  const auth = useAuthSession();
  return (
    <section className="space-y-6">
      <PageHeader title="Credits">Your balance, every credit in and out, and your orders.</PageHeader>
      <Suspense fallback={<Skeleton lines={8} label="Loading your credits…" />}>{auth.user && <Credits userId={auth.user.id} />}</Suspense>
    </section>
  );
}
