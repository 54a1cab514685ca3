-- The catalogue: what is sold (public.credit_packages), the price list (this table) and the release list
-- that prices upgrades (public.product_releases). Everyone may read them, signed in or not (the public
-- product page). Admins edit them through the API, where RLS lets only them write, or in the console; the
-- constraints and triggers keep what anyone writes valid. `credits` is the price: for price-agreed
-- categories (min_credits set, e.g. code_modification) the minimum the engineer may propose, for upgrades
-- the price for up to `included_steps` releases.
create table public.ticket_categories (
  code text not null,
  level smallint not null,
  name text not null,
  description text default ''::text not null,
  credits integer not null,
  min_credits integer,
  per_step_credits integer,
  included_steps integer,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint ticket_categories_pkey PRIMARY KEY (code),
  constraint ticket_categories_code_check CHECK (code ~ '^[a-z][a-z0-9_]{1,39}$'::text),
  constraint ticket_categories_credits_check CHECK (credits > 0 AND credits <= 100000),
  constraint ticket_categories_description_check CHECK (length(description) <= 1000),
  constraint ticket_categories_included_steps_check CHECK (included_steps >= 0 AND included_steps <= 1000),
  constraint ticket_categories_level_check CHECK (level >= 1 AND level <= 3),
  constraint ticket_categories_min_credits_check CHECK (min_credits > 0 AND min_credits <= 100000),
  constraint ticket_categories_name_check CHECK (length(btrim(name)) >= 1 AND length(btrim(name)) <= 100),
  constraint ticket_categories_per_step_credits_check CHECK (per_step_credits > 0 AND per_step_credits <= 100000),
  constraint ticket_categories_steps_pair CHECK ((per_step_credits IS NULL) = (included_steps IS NULL))
);

alter table public.ticket_categories enable row level security;

comment on table public.ticket_categories is 'Ticket categories and their credit prices (admin-editable). Seeded from docs/design.md §1.4.';
comment on column public.ticket_categories.level is '1 = charged without confirmation even for "tell me the cost first"; 2 and 3 wait for the customer''s confirmation unless pre-approved.';
comment on column public.ticket_categories.min_credits is 'Set for categories whose price is agreed with the client (code_modification): the engineer proposes >= min_credits and the customer always confirms.';
comment on column public.ticket_categories.per_step_credits is 'Set for upgrade: cost = credits + per_step_credits * max(0, steps - included_steps).';

revoke all on table public.ticket_categories from anon, authenticated, service_role;
grant select on table public.ticket_categories to anon;
grant delete, insert, select, update on table public.ticket_categories to authenticated;
grant select on table public.ticket_categories to service_role;
