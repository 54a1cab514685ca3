-- The transactional outbox: a row is written in the same transaction as the event it reports (a rolled-back
-- charge sends nothing) and drained after commit by the send-mail edge function through the
-- service_role_* functions. dedupe_key makes each mail once per event and recipient. Life of a row:
--   pending/retry -> sending (claimed with a lease) -> sent | retry (temporary failure, with backoff) | dead
--   held (daily delivery) -> digested (rolled into one `digest` row, digest_id)
--   sending whose lease ran out -> unknown: it may have gone out, so it is never re-sent by itself
--   (at most once); admins see dead and unknown rows and may put them back to pending.
--   canceled: held for a digest, then the person chose "never" for its kind.
-- Addresses and names are checked here as well as by the functions that write them: they become mail
-- headers, so a line break in one would let its writer add headers of their own. (The address check repeats
-- app.is_mail_address's pattern: a check calling a function cannot be built by the schema diff, which
-- creates tables before functions.)
create table app.mail_outbox (
  id bigint generated always as identity not null,
  dedupe_key text not null,
  kind text not null,
  user_id uuid,
  to_email text not null,
  to_name text default ''::text not null,
  ticket_id uuid,
  notification_id uuid,
  data jsonb default '{}'::jsonb not null,
  status text default 'pending'::text not null,
  attempts integer default 0 not null,
  next_attempt_at timestamp with time zone default now() not null,
  locked_until timestamp with time zone,
  last_error text,
  provider_id text,
  digest_id bigint,
  created_at timestamp with time zone default clock_timestamp() not null,
  updated_at timestamp with time zone default clock_timestamp() not null,
  sent_at timestamp with time zone,
  constraint mail_outbox_pkey PRIMARY KEY (id),
  constraint mail_outbox_dedupe_key_key UNIQUE (dedupe_key),
  constraint mail_outbox_kind_fkey FOREIGN KEY (kind) REFERENCES app.mail_kinds(kind) ON UPDATE CASCADE,
  constraint mail_outbox_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id) ON DELETE CASCADE,
  constraint mail_outbox_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id) ON DELETE SET NULL,
  constraint mail_outbox_digest_id_fkey FOREIGN KEY (digest_id) REFERENCES app.mail_outbox(id) ON DELETE SET NULL,
  constraint mail_outbox_status_check CHECK (status = ANY (ARRAY['pending'::text, 'held'::text, 'sending'::text, 'retry'::text, 'sent'::text, 'dead'::text, 'unknown'::text, 'digested'::text, 'canceled'::text])),
  constraint mail_outbox_dedupe_key_check CHECK (length(dedupe_key) >= 1 AND length(dedupe_key) <= 300),
  constraint mail_outbox_to_email_check CHECK (length(to_email) <= 254 AND to_email = lower(to_email) AND to_email ~ '^[a-z0-9.!#$%&''*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$'::text),
  constraint mail_outbox_to_name_check CHECK (length(to_name) <= 200 AND to_name !~ '[[:cntrl:]]'::text),
  constraint mail_outbox_attempts_check CHECK (attempts >= 0),
  constraint mail_outbox_last_error_check CHECK (length(last_error) <= 2000),
  constraint mail_outbox_provider_id_check CHECK (length(provider_id) <= 500)
);

-- What the worker claims: due rows in order.
create index mail_outbox_due_idx on app.mail_outbox (next_attempt_at, id) WHERE (status = ANY (ARRAY['pending'::text, 'retry'::text]));

create index mail_outbox_sending_idx on app.mail_outbox (locked_until) WHERE (status = 'sending'::text);

create index mail_outbox_held_idx on app.mail_outbox (user_id, created_at) WHERE (status = 'held'::text);

create index mail_outbox_failures_idx on app.mail_outbox (updated_at DESC) WHERE (status = ANY (ARRAY['dead'::text, 'unknown'::text]));

create index mail_outbox_digest_id_idx on app.mail_outbox (digest_id) WHERE (digest_id IS NOT NULL);

create index mail_outbox_user_id_idx on app.mail_outbox (user_id);

create index mail_outbox_ticket_id_idx on app.mail_outbox (ticket_id) WHERE (ticket_id IS NOT NULL);

comment on table app.mail_outbox is 'Mails to send, written with the event that causes them; drained by the send-mail edge function (service_role_claim_mail / _sent / _failed).';
comment on column app.mail_outbox.dedupe_key is '<kind>:<notification or event id>:<recipient>; a second enqueue of the same key is ignored.';
comment on column app.mail_outbox.status is 'pending | held | sending | retry | sent | dead | unknown | digested | canceled';

revoke all on table app.mail_outbox from anon, authenticated, service_role;
