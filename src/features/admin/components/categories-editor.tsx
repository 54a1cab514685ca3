import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { useCategories } from '../../../lib/catalogue/queries';
import type { TicketCategory } from '../../../lib/catalogue/categories';
import { categoryPricing, type CategoryPricing } from '../../../lib/catalogue/category-pricing';
import { useUpdateCategoryCredits } from '../api/update-category';
import { categoryCreditsSchema } from '../schemas';
import { SaveOutcome } from './save-outcome';

export function CategoriesEditor() {
  const { data: categories } = useCategories();
  return (
    <section aria-labelledby="categories-title" className="space-y-3">
      <h2 id="categories-title" className="text-xl font-bold">
        Ticket categories
      </h2>
      <p className="text-sm text-slate-700">New prices apply to tickets assessed from now on; assessed tickets keep their quote.</p>
      <ul className="space-y-2">
        {categories.map((c) => (
          <CategoryRow key={c.code} category={c} />
        ))}
      </ul>
    </section>
  );
}

function pricingHint(pricing: CategoryPricing): string {
  switch (pricing.kind) {
    case 'agreed':
      return 'minimum; the price is agreed per ticket';
    case 'per-version':
      return `for up to ${pricing.includedSteps} releases, +${pricing.perStepCredits} each further`;
    case 'fixed':
      return 'fixed price';
  }
}

function CategoryRow({ category }: { category: TicketCategory }) {
  const [credits, setCredits] = useState(String(category.credits));
  const [problem, setProblem] = useState<string>();
  const [saved, setSaved] = useState(false);
  const update = useUpdateCategoryCredits();
  const pricing = categoryPricing(category);
  return (
    <li className="flex flex-wrap items-center gap-3 rounded-md border border-slate-200 p-3">
      <span className="min-w-48 font-semibold">
        {category.name} <span className="font-normal text-slate-700">(level {category.level})</span>
      </span>
      <label className="flex items-center gap-2 text-sm">
        Credits of {category.name}
        <input type="number" min={1} className="w-24 rounded-md border border-slate-400 px-2 py-1" value={credits} onChange={(e) => setCredits(e.target.value)} />
      </label>
      <span className="text-sm text-slate-700">{pricingHint(pricing)}</span>
      <Button
        variant="secondary"
        pending={update.isPending}
        aria-label={`Save ${category.name}`}
        onClick={() => {
          setSaved(false);
          const parsed = categoryCreditsSchema.safeParse(credits);
          setProblem(parsed.success ? undefined : parsed.error.issues[0]?.message);
          if (parsed.success) {
            update.mutate({ code: category.code, credits: parsed.data, agreed: pricing.kind === 'agreed' }, { onSuccess: () => setSaved(true) });
          }
        }}
      >
        Save
      </Button>
      <SaveOutcome problem={problem} failure={update.isError ? update : undefined} saved={saved} className="w-full text-sm" />
    </li>
  );
}
