-- E-mail replies posted to a ticket, by the Message-ID the mail arrived with: a provider redelivering the same
-- mail (it retries until it gets a 2xx) posts it once. Refused replies are not kept; their answer is
-- de-duplicated in the outbox instead.
create table app.mail_inbound (
  message_id text not null,
  ticket_id uuid not null,
  user_id uuid,
  ticket_message_id uuid,
  created_at timestamp with time zone default now() not null,
  constraint mail_inbound_pkey PRIMARY KEY (message_id),
  constraint mail_inbound_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id) ON DELETE CASCADE,
  constraint mail_inbound_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id) ON DELETE SET NULL,
  constraint mail_inbound_ticket_message_id_fkey FOREIGN KEY (ticket_message_id) REFERENCES public.ticket_messages(id) ON DELETE SET NULL,
  constraint mail_inbound_message_id_check CHECK (length(message_id) >= 1 AND length(message_id) <= 998)
);

create index mail_inbound_ticket_id_idx on app.mail_inbound (ticket_id);

comment on table app.mail_inbound is 'E-mail replies posted to tickets, by Message-ID, so a redelivery posts nothing twice.';

revoke all on table app.mail_inbound from anon, authenticated, service_role;
