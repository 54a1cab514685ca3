create policy "accounts_select" on public.accounts
  for select to authenticated
  using (((id = ANY (ARRAY( SELECT app.my_account_ids() AS my_account_ids))) OR ( SELECT app.is_staff() AS is_staff)));
