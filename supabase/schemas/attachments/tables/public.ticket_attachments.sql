-- Files on tickets and replies. The bytes are objects in the private Storage bucket `attachments`, under
-- `<ticket id>/<attachment id>` (object_name): never the file's own name, which is data (kept as given,
-- shown as given, sent back as the download name), so `../`, slashes, Unicode or 255 characters in a name
-- cannot reach a storage key. A row is written first (public.begin_attachment, 'pending', counted against
-- the ticket's limit at once), the upload is allowed only for that pending row (the storage.objects
-- policies, attachments/policies/storage.objects.sql), and public.complete_attachment turns it 'ready'
-- once the object exists with the declared size. 'discarded' rows and pending ones nobody finished are
-- removed with their objects after a day by the cleanup-attachments edge function.
create table public.ticket_attachments (
  id uuid default gen_random_uuid() not null,
  ticket_id uuid not null,
  account_id uuid not null,
  message_id uuid,
  object_name text not null,
  file_name text not null,
  content_type text not null,
  size_bytes bigint not null,
  internal boolean default false not null,
  status text default 'pending'::text not null,
  uploaded_by uuid,
  created_at timestamp with time zone default clock_timestamp() not null,
  completed_at timestamp with time zone,
  constraint ticket_attachments_pkey PRIMARY KEY (id),
  constraint ticket_attachments_object_name_key UNIQUE (object_name),
  constraint ticket_attachments_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id),
  constraint ticket_attachments_message_id_fkey FOREIGN KEY (message_id) REFERENCES public.ticket_messages(id) ON DELETE SET NULL,
  constraint ticket_attachments_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id) ON DELETE CASCADE,
  constraint ticket_attachments_uploaded_by_fkey FOREIGN KEY (uploaded_by) REFERENCES public.profiles(id) ON DELETE SET NULL,
  constraint ticket_attachments_content_type_check CHECK (length(content_type) >= 3 AND length(content_type) <= 255),
  constraint ticket_attachments_file_name_check CHECK (length(file_name) >= 1 AND length(file_name) <= 255),
  constraint ticket_attachments_object_name_check CHECK (object_name = ((ticket_id)::text || '/'::text) || (id)::text),
  constraint ticket_attachments_ready_completed CHECK ((status = 'ready'::text) = (completed_at IS NOT NULL) OR status = 'discarded'::text),
  constraint ticket_attachments_size_bytes_check CHECK (size_bytes >= 0),
  constraint ticket_attachments_status_check CHECK (status = ANY (ARRAY['pending'::text, 'ready'::text, 'discarded'::text]))
);

create index ticket_attachments_message_id_idx on public.ticket_attachments (message_id) WHERE (message_id IS NOT NULL);

-- The cleanup's scan: unfinished rows by age.
create index ticket_attachments_stale_idx on public.ticket_attachments (created_at) WHERE (status <> 'ready'::text);

create index ticket_attachments_ticket_id_created_at_idx on public.ticket_attachments (ticket_id, created_at);

create index ticket_attachments_account_id_idx on public.ticket_attachments (account_id);

create index ticket_attachments_uploaded_by_idx on public.ticket_attachments (uploaded_by);

alter table public.ticket_attachments enable row level security;

comment on table public.ticket_attachments is 'Files on tickets and replies (bytes in the private bucket attachments at object_name). Written only by the attachment functions.';
comment on column public.ticket_attachments.account_id is 'The ticket''s account, copied so the policy needs no join.';
comment on column public.ticket_attachments.message_id is 'The reply it was sent with (attach_to_message); null for a file on the ticket itself.';
comment on column public.ticket_attachments.object_name is 'Storage key in the attachments bucket: <ticket id>/<attachment id>, never the file name.';
comment on column public.ticket_attachments.file_name is 'The name as the uploader gave it (trimmed; no control characters); shown and used as the download name, never as a path.';
comment on column public.ticket_attachments.size_bytes is 'Declared at begin_attachment; complete_attachment checks the stored object has exactly this size.';
comment on column public.ticket_attachments.internal is 'Staff only: invisible to the customer, and so is its object.';
comment on column public.ticket_attachments.status is 'pending (upload allowed), ready (visible), discarded (abandoned; removed by the cleanup).';

revoke all on table public.ticket_attachments from anon, authenticated, service_role;
grant select on table public.ticket_attachments to authenticated;
grant select on table public.ticket_attachments to service_role;
