create policy "ticket_events_select" on public.ticket_events
  for select to authenticated
  using ((( SELECT app.is_staff() AS is_staff) OR ((NOT internal) AND (account_id = ANY (ARRAY( SELECT app.my_account_ids() AS my_account_ids))))));
