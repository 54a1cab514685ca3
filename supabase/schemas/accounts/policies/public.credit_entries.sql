-- Members read their own accounts' entries, not the system side of their transfers; staff read all.
create policy "credit_entries_select" on public.credit_entries
  for select to authenticated
  using (((account_id = ANY (ARRAY( SELECT app.my_account_ids() AS my_account_ids))) OR ( SELECT app.is_staff() AS is_staff)));
