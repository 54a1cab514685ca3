import { categoryPriceLabel } from '../pricing';
import type { TicketCategory } from '../../../lib/catalogue/categories';

/** The price list: what each kind of ticket costs. */
export function CategoryTable({ categories }: { categories: readonly TicketCategory[] }) {
  return (
    <div className="relative overflow-x-auto">
      <table className="w-full min-w-[20rem] border-collapse text-left text-sm">
        <caption className="sr-only">Ticket categories and their prices in credits</caption>
        <thead>
          <tr className="border-b border-slate-300">
            <th scope="col" className="py-2 pr-3 font-semibold">
              Category
            </th>
            <th scope="col" className="py-2 pr-3 font-semibold">
              What it covers
            </th>
            <th scope="col" className="py-2 font-semibold">
              Credits
            </th>
          </tr>
        </thead>
        <tbody>
          {categories.map((category) => (
            <tr key={category.code} className="border-b border-slate-200 align-top">
              <th scope="row" className="py-2 pr-3 font-medium">
                {category.name}
                <span className="block text-xs font-normal text-slate-600">Level {category.level}</span>
              </th>
              <td className="py-2 pr-3 text-slate-700">{category.description}</td>
              <td className="py-2 font-medium">{categoryPriceLabel(category)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
