import { useState } from 'react';
import { Button } from '../../../components/ui/button';
import { SelectField } from '../../../components/ui/fields';
import { TextField } from '../../../components/ui/text-field';
import { useCategories } from '../../../lib/catalogue/queries';
import { useStaffMembers } from '../api/get-staff-members';
import { statusLabel } from '../../../lib/labels';
import { QUEUE_STATUS_ORDER } from '../../../lib/ticket-status';
import type { QueueFilters as Filters } from '../schemas';

/** Status, category, assignee and search. Selects apply at once; the search applies on submit (remount with key={filters.q} to reset it). */
export function QueueFilters({ filters, onChange }: { filters: Filters; onChange: (next: Filters) => void }) {
  const { data: categories } = useCategories();
  const { data: staff } = useStaffMembers();
  const [q, setQ] = useState(filters.q);

  return (
    <form
      role="search"
      aria-label="Filter the queue"
      className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_1fr_2fr_auto] lg:items-end"
      onSubmit={(event) => {
        event.preventDefault();
        onChange({ ...filters, q: q.trim() });
      }}
    >
      <SelectField
        label="Status"
        name="status"
        value={filters.status}
        onChange={(e) => onChange({ ...filters, status: e.target.value as Filters['status'] })}
      >
        <option value="open">Open (needs work or waiting)</option>
        <option value="all">All statuses</option>
        {QUEUE_STATUS_ORDER.map((s) => (
          <option key={s} value={s}>
            {statusLabel(s, 'staff')}
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Category"
        name="category"
        value={filters.category}
        onChange={(e) => onChange({ ...filters, category: e.target.value })}
      >
        <option value="">Any category</option>
        {categories.map((c) => (
          <option key={c.code} value={c.code}>
            {c.name}
          </option>
        ))}
      </SelectField>
      <SelectField
        label="Assignee"
        name="assignee"
        value={filters.assignee}
        onChange={(e) => onChange({ ...filters, assignee: e.target.value })}
      >
        <option value="">Anyone</option>
        <option value="mine">Mine</option>
        <option value="none">Unassigned</option>
        {staff.map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </SelectField>
      <TextField
        label="Search"
        name="q"
        type="search"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        placeholder="#1001, words of the subject, or customer email"
      />
      <Button type="submit" variant="secondary">
        Search
      </Button>
    </form>
  );
}
