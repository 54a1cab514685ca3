-- `position` is unique and not deferrable, so reordering goes through public.move_release, which swaps two
-- releases without ever holding a duplicate position.
create table public.product_releases (
  version text not null,
  released_on date,
  position integer default 0 not null,
  created_at timestamp with time zone default now() not null,
  updated_at timestamp with time zone default now() not null,
  constraint product_releases_pkey PRIMARY KEY (version),
  constraint product_releases_position_key UNIQUE ("position"),
  constraint product_releases_position_check CHECK ("position" > 0),
  constraint product_releases_version_check CHECK (version ~ '^[0-9]{1,4}(\.[0-9]{1,4}){1,3}$'::text)
);

alter table public.product_releases enable row level security;

comment on table public.product_releases is 'Product releases in order; upgrade steps = positions between from and to.';
comment on column public.product_releases.position is 'Release order (1 = oldest). Omitted (0) = after the newest release.';

revoke all on table public.product_releases from anon, authenticated, service_role;
grant select on table public.product_releases to anon;
grant delete, insert, select, update on table public.product_releases to authenticated;
grant select on table public.product_releases to service_role;
