-- People see themselves; staff see everyone, because the queue and the ticket pages show who asked.
create policy "profiles_select" on public.profiles
  for select to authenticated
  using (((id = ( SELECT auth.uid() AS uid)) OR ( SELECT app.is_staff() AS is_staff)));

create policy "profiles_update_self" on public.profiles
  for update to authenticated
  using ((id = ( SELECT auth.uid() AS uid)))
  with check ((id = ( SELECT auth.uid() AS uid)));
