import { UpgradeCalculator } from '../../../features/catalogue/components/upgrade-calculator';
import type { ProductRelease } from '../../../lib/catalogue/releases';
import { QueryProvider } from '../../../lib/query-provider';

/**
 * The product page's upgrade calculator, loaded after the page's first paint (React.lazy in ./home.tsx):
 * it asks the server for each price through TanStack Query, which the first load does without.
 */
export default function HomeCalculator(props: { releases: readonly ProductRelease[] }) {
  return (
    <QueryProvider>
      <UpgradeCalculator {...props} />
    </QueryProvider>
  );
}
