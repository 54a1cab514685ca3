create table public.ticket_messages (
  id uuid default gen_random_uuid() not null,
  ticket_id uuid not null,
  account_id uuid not null,
  author_id uuid,
  author_name text default ''::text not null,
  from_staff boolean default false not null,
  body text not null,
  internal boolean default false not null,
  created_at timestamp with time zone default clock_timestamp() not null,
  constraint ticket_messages_pkey PRIMARY KEY (id),
  constraint ticket_messages_account_id_fkey FOREIGN KEY (account_id) REFERENCES public.accounts(id),
  constraint ticket_messages_author_id_fkey FOREIGN KEY (author_id) REFERENCES public.profiles(id) ON DELETE SET NULL,
  constraint ticket_messages_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id) ON DELETE CASCADE,
  constraint ticket_messages_body_check CHECK (length(body) >= 1 AND length(body) <= 20000)
);

create index ticket_messages_account_id_idx on public.ticket_messages (account_id);

create index ticket_messages_author_id_idx on public.ticket_messages (author_id);

create index ticket_messages_ticket_id_created_at_idx on public.ticket_messages (ticket_id, created_at);

alter table public.ticket_messages enable row level security;

comment on table public.ticket_messages is 'Ticket conversation, written by post_message. Customers never see internal notes.';
comment on column public.ticket_messages.account_id is 'The ticket''s account, copied so the policy needs no join.';
comment on column public.ticket_messages.author_name is 'The author''s name when written (customers cannot read staff profiles).';
comment on column public.ticket_messages.internal is 'Staff-only note: invisible to the customer.';

revoke all on table public.ticket_messages from anon, authenticated, service_role;
grant select on table public.ticket_messages to authenticated;
grant select on table public.ticket_messages to service_role;
