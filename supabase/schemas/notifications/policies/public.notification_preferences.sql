create policy "notification_preferences_select_own" on public.notification_preferences
  for select to authenticated
  using ((user_id = ( SELECT auth.uid() AS uid)));
