-- How a person wants each optional mail kind: at once, rolled into a daily digest, or not at all. No row
-- means "immediately". Written only by public.set_notification_preference and public.unsubscribe_by_token,
-- which refuse kinds that cannot be turned off or are not the person's to choose.
create table public.notification_preferences (
  user_id uuid not null,
  kind text not null,
  delivery text not null,
  updated_at timestamp with time zone default now() not null,
  constraint notification_preferences_pkey PRIMARY KEY (user_id, kind),
  constraint notification_preferences_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.profiles(id) ON DELETE CASCADE,
  constraint notification_preferences_kind_fkey FOREIGN KEY (kind) REFERENCES app.mail_kinds(kind) ON UPDATE CASCADE,
  constraint notification_preferences_delivery_check CHECK (delivery = ANY (ARRAY['immediately'::text, 'daily'::text, 'never'::text]))
);

alter table public.notification_preferences enable row level security;

comment on table public.notification_preferences is 'Mail delivery per person and optional kind (immediately | daily | never); no row = immediately. Written by SQL functions only.';

revoke all on table public.notification_preferences from anon, authenticated, service_role;
grant select on table public.notification_preferences to authenticated;
grant select on table public.notification_preferences to service_role;
