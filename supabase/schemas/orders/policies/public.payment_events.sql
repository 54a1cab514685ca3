create policy "payment_events_select_staff" on public.payment_events
  for select to authenticated
  using (( SELECT app.is_staff() AS is_staff));
