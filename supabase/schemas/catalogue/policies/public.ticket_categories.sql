create policy "ticket_categories_delete_admin" on public.ticket_categories
  for delete to authenticated
  using (( SELECT app.is_admin() AS is_admin));

create policy "ticket_categories_insert_admin" on public.ticket_categories
  for insert to authenticated
  with check (( SELECT app.is_admin() AS is_admin));

create policy "ticket_categories_select" on public.ticket_categories
  for select to authenticated
  using (true);

create policy "ticket_categories_select_anon" on public.ticket_categories
  for select to anon
  using (true);

create policy "ticket_categories_update_admin" on public.ticket_categories
  for update to authenticated
  using (( SELECT app.is_admin() AS is_admin))
  with check (( SELECT app.is_admin() AS is_admin));
