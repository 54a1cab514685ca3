-- The attachments bucket, decided here rather than by the browser: Storage runs every object request as
-- the caller, so these policies are what the upload, download, list and signing routes obey (the same on
-- hosted Supabase). Objects are `<ticket id>/<attachment id>`.
--
-- Upload (INSERT): only to the key of a pending row the caller began (public.begin_attachment checked the
-- ticket, the name, the type and the limits then), and not with more bytes than that row declared when
-- the row Storage is about to write says its size (`size` is the stored object's true size; the local
-- stack checks again with it once the body is in; hosted storage-api may probe with no size at all).
-- `contentLength` is not trusted here: for a multipart body it may be the request's length, not the
-- file's. public.complete_attachment refuses any size but the declared one in every case. Guessing
-- another key gets nothing: the row must be the caller's own and still pending.
create policy "attachments_insert_own_pending" on storage.objects
  for insert to authenticated
  with check (((bucket_id = 'attachments'::text) AND (EXISTS ( SELECT 1
   FROM public.ticket_attachments a
  WHERE ((a.object_name = objects.name) AND (a.status = 'pending'::text) AND (a.uploaded_by = ( SELECT auth.uid() AS uid)) AND (COALESCE(
        CASE
            WHEN ((objects.metadata ->> 'size'::text) ~ '^[0-9]{1,18}$'::text) THEN ((objects.metadata ->> 'size'::text))::bigint
            ELSE NULL::bigint
        END, (0)::bigint) <= a.size_bytes))))));

-- Read, list, download and sign (SELECT): exactly the rows the caller may see in public.ticket_attachments
-- (its own policy: the account's finished, non-internal files; every finished file for staff; the
-- uploader's own pending one), so marking a file internal hides its bytes in the same statement.
create policy "attachments_select_visible" on storage.objects
  for select to authenticated
  using (((bucket_id = 'attachments'::text) AND (EXISTS ( SELECT 1
   FROM public.ticket_attachments a
  WHERE (a.object_name = objects.name)))));

-- No UPDATE or DELETE policy: nobody overwrites, moves or removes an attachment through the API (an upsert
-- needs UPDATE, so it is refused too). Abandoned files are removed by the cleanup with the service role.
