create policy "notifications_select_own" on public.notifications
  for select to authenticated
  using ((user_id = ( SELECT auth.uid() AS uid)));
