import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { usePackages, type AdminPackage } from '../api/get-packages';
import { useUpdatePackage } from '../api/update-package';
import { packageFormSchema } from '../schemas';
import { SaveOutcome } from './save-outcome';

const cell = 'w-full rounded-md border border-slate-400 px-2 py-1';

/** Every package with its price, credits, order and active flag; one Save per row. */
export function PackagesEditor() {
  const { data: packages } = usePackages();
  return (
    <section aria-labelledby="packages-title" className="space-y-3">
      <h2 id="packages-title" className="text-xl font-bold">
        Credit packages
      </h2>
      <p className="text-sm text-slate-700">
        Price changes apply to new purchases only: orders already created keep the price they were created with. The product page shows
        the price range of the active packages.
      </p>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead>
            <tr className="text-slate-700">
              <th scope="col" className="p-2">Name</th>
              <th scope="col" className="p-2">Price (USD)</th>
              <th scope="col" className="p-2">Credits</th>
              <th scope="col" className="p-2">Order</th>
              <th scope="col" className="p-2">Active</th>
              <th scope="col" className="p-2">
                <span className="sr-only">Save</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {packages.map((p) => (
              <PackageRow key={p.id} pkg={p} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function PackageRow({ pkg }: { pkg: AdminPackage }) {
  const [values, setValues] = useState({
    name: pkg.name,
    price: (pkg.price_cents / 100).toFixed(2),
    credits: String(pkg.credits),
    sort_order: String(pkg.sort_order),
    active: pkg.active,
  });
  const [problem, setProblem] = useState<string>();
  const [saved, setSaved] = useState(false);
  const update = useUpdatePackage();
  const label = pkg.name;

  const save = () => {
    setSaved(false);
    const parsed = packageFormSchema.safeParse(values);
    if (!parsed.success) {
      setProblem(parsed.error.issues[0]?.message);
      return;
    }
    setProblem(undefined);
    update.mutate({ id: pkg.id, values: parsed.data }, { onSuccess: () => setSaved(true) });
  };

  return (
    <tr className="border-t border-slate-200 align-top">
      <td className="p-2">
        <input aria-label={`Name of ${label}`} className={cell} value={values.name} onChange={(e) => setValues({ ...values, name: e.target.value })} />
        <SaveOutcome problem={problem} failure={update.isError ? update : undefined} saved={saved} className="mt-1" />
      </td>
      <td className="p-2">
        <input aria-label={`Price of ${label} in dollars`} inputMode="decimal" className={cell} value={values.price} onChange={(e) => setValues({ ...values, price: e.target.value })} />
      </td>
      <td className="p-2">
        <input aria-label={`Credits in ${label}`} type="number" className={cell} value={values.credits} onChange={(e) => setValues({ ...values, credits: e.target.value })} />
      </td>
      <td className="p-2">
        <input aria-label={`Order of ${label}`} type="number" className={`${cell} w-20`} value={values.sort_order} onChange={(e) => setValues({ ...values, sort_order: e.target.value })} />
      </td>
      <td className="p-2">
        <input aria-label={`${label} is on sale`} type="checkbox" className="size-5" checked={values.active} onChange={(e) => setValues({ ...values, active: e.target.checked })} />
      </td>
      <td className="p-2">
        <Button variant="secondary" pending={update.isPending} onClick={save} aria-label={`Save ${label}`}>
          Save
        </Button>
      </td>
    </tr>
  );
}
