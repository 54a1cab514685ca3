-- Members read the transfers touching their accounts (their statement); staff read all.
create policy "credit_transfers_select" on public.credit_transfers
  for select to authenticated
  using (((from_account_id = ANY (ARRAY( SELECT app.my_account_ids() AS my_account_ids))) OR (to_account_id = ANY (ARRAY( SELECT app.my_account_ids() AS my_account_ids))) OR ( SELECT app.is_staff() AS is_staff)));
