-- Finished files: the ticket's account members (never internal ones) and staff. Unfinished: only the
-- uploader, who needs to see their own pending row while the upload runs. The bucket's read policy asks
-- this table (under this policy), so a row hidden here is a file that cannot be downloaded or signed.
create policy "ticket_attachments_select" on public.ticket_attachments
  for select to authenticated
  using ((((status = 'ready'::text) AND (( SELECT app.is_staff() AS is_staff) OR ((NOT internal) AND (account_id = ANY (ARRAY( SELECT app.my_account_ids() AS my_account_ids)))))) OR ((status = 'pending'::text) AND (uploaded_by = ( SELECT auth.uid() AS uid)))));
