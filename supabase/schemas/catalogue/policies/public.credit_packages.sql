create policy "credit_packages_delete_admin" on public.credit_packages
  for delete to authenticated
  using (( SELECT app.is_admin() AS is_admin));

create policy "credit_packages_insert_admin" on public.credit_packages
  for insert to authenticated
  with check (( SELECT app.is_admin() AS is_admin));

create policy "credit_packages_select" on public.credit_packages
  for select to authenticated
  using ((active OR ( SELECT app.is_admin() AS is_admin)));

create policy "credit_packages_select_anon" on public.credit_packages
  for select to anon
  using (active);

create policy "credit_packages_update_admin" on public.credit_packages
  for update to authenticated
  using (( SELECT app.is_admin() AS is_admin))
  with check (( SELECT app.is_admin() AS is_admin));
