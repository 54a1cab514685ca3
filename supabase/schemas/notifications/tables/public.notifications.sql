-- In-app notices for what a customer or a member of staff must act on or would want to know. Written only
-- by SQL functions (app.notify, app.notify_account, app.notify_staff and the specific senders), in the same
-- transaction as the action they report; people read their own and mark them read with public.mark_notifications_read. `data` carries the
-- numbers the UI may want (credits, missing, balance). A kind that is also a mail kind (app.mail_kinds) is
-- mailed too, by app.notify, per the recipient's preference.
create table public.notifications (
  id uuid default gen_random_uuid() not null,
  user_id uuid not null,
  ticket_id uuid,
  kind text not null,
  title text not null,
  body text default ''::text not null,
  data jsonb default '{}'::jsonb not null,
  read_at timestamp with time zone,
  created_at timestamp with time zone default clock_timestamp() not null,
  constraint notifications_pkey PRIMARY KEY (id),
  constraint notifications_ticket_id_fkey FOREIGN KEY (ticket_id) REFERENCES public.tickets(id) ON DELETE CASCADE,
  constraint notifications_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id) ON DELETE CASCADE,
  constraint notifications_kind_check CHECK (kind = ANY (ARRAY['quote_ready'::text, 'charged'::text, 'credits_needed'::text, 'answered'::text, 'split'::text, 'resolved'::text, 'refunded'::text, 'credits_added'::text, 'low_balance'::text, 'purchase_failed'::text, 'recategorized'::text, 'new_ticket'::text, 'customer_replied'::text, 'quote_confirmed'::text, 'quote_declined'::text, 'payment_review'::text]))
);

create index notifications_ticket_id_idx on public.notifications (ticket_id);

create index notifications_user_id_created_at_idx on public.notifications (user_id, created_at DESC);

create index notifications_user_id_unread_idx on public.notifications (user_id) WHERE (read_at IS NULL);

alter table public.notifications enable row level security;

comment on table public.notifications is 'In-app notices, one per recipient. Written by SQL functions; read and marked read by their recipient.';
comment on column public.notifications.kind is 'Customers: quote_ready | charged | credits_needed | answered | split | resolved | refunded | recategorized | credits_added | low_balance | purchase_failed. Staff: new_ticket | customer_replied | quote_confirmed | quote_declined. Admins: payment_review.';
comment on column public.notifications.data is 'Facts behind the notice, e.g. {"credits":20} or {"missing":15,"balance":5}.';

revoke all on table public.notifications from anon, authenticated, service_role;
grant select on table public.notifications to authenticated;
grant select on table public.notifications to service_role;
