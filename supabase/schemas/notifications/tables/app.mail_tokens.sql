-- Tokens that stand for a person in a mail without a session: the one-click unsubscribe link (one per
-- person) and the Reply-To address of a ticket mail (one per ticket and recipient, so a reply names its
-- ticket and whom it was sent to). Two v4 UUIDs as 64 hex digits (244 random bits), compared whole; the
-- table is private, so a token is only ever seen by its mail's recipient.
create table app.mail_tokens (
  token text not null,
  purpose text not null,
  user_id uuid not null,
  ticket_id uuid,
  created_at timestamp with time zone default now() not null,
  constraint mail_tokens_pkey PRIMARY KEY (token),
  constraint mail_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id) ON DELETE CASCADE,
  constraint mail_tokens_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id) ON DELETE CASCADE,
  constraint mail_tokens_purpose_check CHECK (purpose = ANY (ARRAY['unsubscribe'::text, 'reply'::text])),
  constraint mail_tokens_ticket_for_reply CHECK ((purpose = 'reply'::text) = (ticket_id IS NOT NULL)),
  constraint mail_tokens_token_check CHECK (token ~ '^[0-9a-f]{64}$'::text),
  constraint mail_tokens_purpose_user_id_ticket_id_key UNIQUE NULLS NOT DISTINCT (purpose, user_id, ticket_id)
);

create index mail_tokens_ticket_id_idx on app.mail_tokens (ticket_id) WHERE (ticket_id IS NOT NULL);

comment on table app.mail_tokens is 'Unsubscribe tokens (per person) and reply tokens (per ticket and person) used in mails.';

revoke all on table app.mail_tokens from anon, authenticated, service_role;
