create policy "tickets_select" on public.tickets
  for select to authenticated
  using (((account_id = ANY (ARRAY( SELECT app.my_account_ids() AS my_account_ids))) OR ( SELECT app.is_staff() AS is_staff)));
