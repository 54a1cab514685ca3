create policy "account_members_select" on public.account_members
  for select to authenticated
  using (((account_id = ANY (ARRAY( SELECT app.my_account_ids() AS my_account_ids))) OR ( SELECT app.is_staff() AS is_staff)));
