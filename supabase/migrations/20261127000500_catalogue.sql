/**
 * Section - Catalogue
 * What is sold (credit packages), the price list (ticket categories) and the release list that prices
 * upgrades. Everyone may read them (the public product page); admins edit them through the API (RLS) or
 * the console, and triggers keep what anyone writes valid.
 */

/** A credit package on sale. Orders copy credits and price when created, so later edits never change an order. */
create table public.credit_packages (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(btrim(name)) between 1 and 100),
  credits integer not null check (credits > 0 and credits <= 100000),
  price_cents integer not null check (price_cents > 0 and price_cents <= 100000000),
  currency text not null default 'usd' check (currency ~ '^[a-z]{3}$'),
  active boolean not null default true,
  sort_order integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.credit_packages is 'Credit packages for sale. Everyone reads active ones; admins read and write all.';
comment on column public.credit_packages.price_cents is 'Price in the currency''s minor unit (cents), > 0.';

grant select on public.credit_packages to anon, authenticated, service_role;
grant insert, update, delete on public.credit_packages to authenticated;

alter table public.credit_packages enable row level security;

create trigger credit_packages_touch_updated_at before update on public.credit_packages
  for each row execute function app.touch_updated_at();

create index credit_packages_active_sort_idx on public.credit_packages (sort_order, credits) where active;

create policy credit_packages_select_anon on public.credit_packages for select to anon
  using (active);
create policy credit_packages_select on public.credit_packages for select to authenticated
  using (active or (select app.is_admin()));
create policy credit_packages_insert_admin on public.credit_packages for insert to authenticated
  with check ((select app.is_admin()));
create policy credit_packages_update_admin on public.credit_packages for update to authenticated
  using ((select app.is_admin()))
  with check ((select app.is_admin()));
create policy credit_packages_delete_admin on public.credit_packages for delete to authenticated
  using ((select app.is_admin()));

/**
 * The price list. `credits` is the price (for code_modification the minimum the engineer may propose,
 * for upgrade the price for up to `included_steps` releases); `min_credits` marks a price agreed with the
 * client (always confirmed by the customer); `per_step_credits` marks release-priced upgrades.
 */
create table public.ticket_categories (
  code text primary key check (code ~ '^[a-z][a-z0-9_]{1,39}$'),
  level smallint not null check (level between 1 and 3),
  name text not null check (length(btrim(name)) between 1 and 100),
  description text not null default '' check (length(description) <= 1000),
  credits integer not null check (credits > 0 and credits <= 100000),
  min_credits integer check (min_credits > 0 and min_credits <= 100000),
  per_step_credits integer check (per_step_credits > 0 and per_step_credits <= 100000),
  included_steps integer check (included_steps >= 0 and included_steps <= 1000),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  constraint ticket_categories_steps_pair check ((per_step_credits is null) = (included_steps is null))
);
comment on table public.ticket_categories is 'Ticket categories and their credit prices (admin-editable). Seeded from docs/design.md §1.4.';
comment on column public.ticket_categories.level is '1 = charged without confirmation even for "tell me the cost first"; 2 and 3 wait for the customer''s confirmation unless pre-approved.';
comment on column public.ticket_categories.min_credits is 'Set for categories whose price is agreed with the client (code_modification): the engineer proposes >= min_credits and the customer always confirms.';
comment on column public.ticket_categories.per_step_credits is 'Set for upgrade: cost = credits + per_step_credits * max(0, steps - included_steps).';

grant select on public.ticket_categories to anon, authenticated, service_role;
grant insert, update, delete on public.ticket_categories to authenticated;

alter table public.ticket_categories enable row level security;

create trigger ticket_categories_touch_updated_at before update on public.ticket_categories
  for each row execute function app.touch_updated_at();

create policy ticket_categories_select_anon on public.ticket_categories for select to anon
  using (true);
create policy ticket_categories_select on public.ticket_categories for select to authenticated
  using (true);
create policy ticket_categories_insert_admin on public.ticket_categories for insert to authenticated
  with check ((select app.is_admin()));
create policy ticket_categories_update_admin on public.ticket_categories for update to authenticated
  using ((select app.is_admin()))
  with check ((select app.is_admin()));
create policy ticket_categories_delete_admin on public.ticket_categories for delete to authenticated
  using ((select app.is_admin()));

/** Released versions in release order (`position`), for upgrade pricing. */
create table public.product_releases (
  version text primary key check (version ~ '^[0-9]{1,4}(\.[0-9]{1,4}){1,3}$'),
  released_on date,
  position integer not null default 0 unique check (position > 0),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
comment on table public.product_releases is 'Product releases in order; upgrade steps = positions between from and to.';
comment on column public.product_releases.position is 'Release order (1 = oldest). Omitted (0) = after the newest release.';

grant select on public.product_releases to anon, authenticated, service_role;
grant insert, update, delete on public.product_releases to authenticated;

alter table public.product_releases enable row level security;

/** A new release without a position goes after the newest one, so admins can just add a version. */
create function app.default_release_position() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if new.position is null or new.position = 0 then
    select coalesce(max(r.position), 0) + 1 into new.position from public.product_releases r;
  end if;
  return new;
end $$;
revoke execute on function app.default_release_position() from public;

create trigger product_releases_default_position before insert on public.product_releases
  for each row execute function app.default_release_position();
create trigger product_releases_touch_updated_at before update on public.product_releases
  for each row execute function app.touch_updated_at();

create policy product_releases_select_anon on public.product_releases for select to anon
  using (true);
create policy product_releases_select on public.product_releases for select to authenticated
  using (true);
create policy product_releases_insert_admin on public.product_releases for insert to authenticated
  with check ((select app.is_admin()));
create policy product_releases_update_admin on public.product_releases for update to authenticated
  using ((select app.is_admin()))
  with check ((select app.is_admin()));
create policy product_releases_delete_admin on public.product_releases for delete to authenticated
  using ((select app.is_admin()));

/** Section - Pricing */

/**
 * Credits for an upgrade from one release to a later one: steps = releases after `from` up to and
 * including `to` in release order; cost = credits + per_step_credits × max(0, steps − included_steps)
 * of the `upgrade` category (20 + 5 × max(0, steps − 2) with the seed). Unknown versions or `to` not
 * after `from` is invalid input. Security invoker: it reads only public tables anyone may read, so
 * anon can call it without a security-definer function being exposed.
 */
create function public.upgrade_cost(p_from text, p_to text) returns integer
language plpgsql stable security invoker set search_path = '' as $$
declare
  v_from integer;
  v_to integer;
  v_category public.ticket_categories;
begin
  if p_from is null or p_to is null or btrim(p_from) = '' or btrim(p_to) = '' then
    raise exception using errcode = '22023', message = 'invalid_input', detail = 'Give both versions.';
  end if;
  select r.position into v_from from public.product_releases r where r.version = btrim(p_from);
  if v_from is null then
    raise exception using errcode = '22023', message = 'invalid_input', detail = format('Unknown version %s.', btrim(p_from));
  end if;
  select r.position into v_to from public.product_releases r where r.version = btrim(p_to);
  if v_to is null then
    raise exception using errcode = '22023', message = 'invalid_input', detail = format('Unknown version %s.', btrim(p_to));
  end if;
  if v_to <= v_from then
    raise exception using errcode = '22023', message = 'invalid_input', detail = format('%s is not after %s.', btrim(p_to), btrim(p_from));
  end if;
  select * into v_category from public.ticket_categories c where c.code = 'upgrade';
  if v_category.code is null or v_category.per_step_credits is null then
    raise exception using errcode = 'PT409', message = 'invalid_state', detail = 'Upgrade pricing is not configured.';
  end if;
  return v_category.credits
    + v_category.per_step_credits * greatest(0, (select count(*)::integer from public.product_releases r
                                                  where r.position > v_from and r.position <= v_to) - v_category.included_steps);
end $$;
comment on function public.upgrade_cost(text, text) is 'Credits for an upgrade between two releases (anyone may call). 4.3.1 -> 4.3.9 = 50 with the seed.';
revoke execute on function public.upgrade_cost(text, text) from public;
grant execute on function public.upgrade_cost(text, text) to anon, authenticated, service_role;

/**
 * The credits a ticket costs in a category: fixed categories cost `credits` (p_credits must be absent
 * or equal); price-agreed ones (min_credits) take the engineer's p_credits ≥ min_credits; upgrades cost
 * upgrade_cost(from, to) when the ticket names both versions, otherwise p_credits (≥ credits) or credits.
 */
create function app.price_for(
  p_category public.ticket_categories, p_credits integer, p_upgrade_from text, p_upgrade_to text
) returns integer
language plpgsql stable security definer set search_path = '' as $$
declare
  v_price integer;
begin
  if p_credits is not null and (p_credits <= 0 or p_credits > 100000) then
    perform app.raise_error('invalid_input', 'Credits must be between 1 and 100000.');
  end if;
  if p_category.min_credits is not null then
    if p_credits is null or p_credits < p_category.min_credits then
      perform app.raise_error('invalid_input', format(
        '%s is priced by agreement: propose at least %s credits.', p_category.name, p_category.min_credits
      ));
    end if;
    return p_credits;
  end if;
  if p_category.per_step_credits is not null and p_upgrade_from is not null and p_upgrade_to is not null then
    v_price := public.upgrade_cost(p_upgrade_from, p_upgrade_to);
    if p_credits is not null and p_credits <> v_price then
      perform app.raise_error('invalid_input', format(
        'An upgrade from %s to %s costs %s credits.', p_upgrade_from, p_upgrade_to, v_price
      ));
    end if;
    return v_price;
  end if;
  if p_category.per_step_credits is not null then
    if p_credits is not null and p_credits < p_category.credits then
      perform app.raise_error('invalid_input', format('An upgrade costs at least %s credits.', p_category.credits));
    end if;
    return coalesce(p_credits, p_category.credits);
  end if;
  if p_credits is not null and p_credits <> p_category.credits then
    perform app.raise_error('invalid_input', format('%s costs %s credits.', p_category.name, p_category.credits));
  end if;
  return p_category.credits;
end $$;
comment on function app.price_for(public.ticket_categories, integer, text, text) is 'Price of a ticket in a category (validates the engineer''s proposed credits).';
revoke execute on function app.price_for(public.ticket_categories, integer, text, text) from public;
