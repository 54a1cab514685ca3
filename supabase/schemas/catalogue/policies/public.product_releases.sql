create policy "product_releases_delete_admin" on public.product_releases
  for delete to authenticated
  using (( SELECT app.is_admin() AS is_admin));

create policy "product_releases_insert_admin" on public.product_releases
  for insert to authenticated
  with check (( SELECT app.is_admin() AS is_admin));

create policy "product_releases_select" on public.product_releases
  for select to authenticated
  using (true);

create policy "product_releases_select_anon" on public.product_releases
  for select to anon
  using (true);

create policy "product_releases_update_admin" on public.product_releases
  for update to authenticated
  using (( SELECT app.is_admin() AS is_admin))
  with check (( SELECT app.is_admin() AS is_admin));
