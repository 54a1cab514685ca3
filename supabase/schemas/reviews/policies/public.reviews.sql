create policy "reviews_select" on public.reviews
  for select to authenticated
  using (true);

create policy "reviews_select_anon" on public.reviews
  for select to anon
  using (true);
