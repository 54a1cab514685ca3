-- Orders copy a package's credits and price when they are created, so editing a package never changes an
-- order already made.
create table public.credit_packages (
  id uuid default gen_random_uuid() not null,
  name text not null,
  credits integer not null,
  price_cents integer not null,
  currency text default 'usd'::text not null,
  active boolean default true not null,
  sort_order integer default 0 not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint credit_packages_pkey PRIMARY KEY (id),
  constraint credit_packages_credits_check CHECK (credits > 0 AND credits <= 100000),
  constraint credit_packages_currency_check CHECK (currency ~ '^[a-z]{3}$'::text),
  constraint credit_packages_name_check CHECK (length(btrim(name)) >= 1 AND length(btrim(name)) <= 100),
  constraint credit_packages_price_cents_check CHECK (price_cents > 0 AND price_cents <= 100000000)
);

create index credit_packages_active_sort_idx on public.credit_packages (sort_order, credits) WHERE active;

alter table public.credit_packages enable row level security;

comment on table public.credit_packages is 'Credit packages for sale. Everyone reads active ones; admins read and write all.';
comment on column public.credit_packages.price_cents is 'Price in the currency''s minor unit (cents), > 0.';

revoke all on table public.credit_packages from anon, authenticated, service_role;
grant select on table public.credit_packages to anon;
grant delete, insert, select, update on table public.credit_packages to authenticated;
grant select on table public.credit_packages to service_role;
