/**
 * Section - Setup
 * The private schema `app` (never exposed through the API), the enums shared by the public tables, the
 * error helper that gives every function docs/design.md §5's SQLSTATE + stable `message` code + human `detail`,
 * and small trigger helpers. Nothing here is reachable through PostgREST.
 */

create schema app;
comment on schema app is 'Private helpers for RLS policies and SQL functions; not exposed through the API.';
revoke all on schema app from public;
-- Policies call app.is_staff() / app.my_account_ids() as the requesting role, so it needs USAGE here
-- (and EXECUTE on exactly those helpers, granted where they are defined). Nothing else is granted.
grant usage on schema app to authenticated, service_role;

/** Section - Enums (in public so the generated types expose them to the web app) */

/** Who a person is to Pro Portal; staff = engineer or admin. */
create type public.app_role as enum ('customer', 'engineer', 'admin');
comment on type public.app_role is 'customer: buys credits and opens tickets; engineer: assesses and answers; admin: engineer + prices, roles, adjustments.';

/** A person's place in a shared wallet. */
create type public.account_member_role as enum ('owner', 'member');

/** Why credits moved; every ledger transfer has exactly one. */
create type public.credit_transfer_kind as enum ('purchase', 'ticket_charge', 'ticket_refund', 'adjustment');

/** The ticket life cycle (docs/design.md §4): new → (awaiting_confirmation | awaiting_credits | in_progress) → resolved; or declined / canceled. */
create type public.ticket_status as enum (
  'new', 'awaiting_confirmation', 'awaiting_credits', 'in_progress', 'resolved', 'declined', 'canceled'
);

/** A purchase's life cycle: created pending by checkout, then paid (credits issued) or failed. */
create type public.order_status as enum ('pending', 'paid', 'failed');

/** Section - Errors */

/**
 * Raises docs/design.md §5's error for a stable code: SQLSTATE (which PostgREST maps to the HTTP status), the
 * code itself as `message`, and words for a person as `detail`. One place, so the codes cannot drift.
 */
create function app.raise_error(p_code text, p_detail text) returns void
language plpgsql volatile set search_path = '' as $$
begin
  raise exception using
    errcode = case p_code
      when 'invalid_input' then '22023'
      when 'forbidden' then '42501'
      when 'not_found' then 'PT404'
      when 'invalid_state' then 'PT409'
      when 'insufficient_credits' then 'PT402'
      when 'purchase_required' then 'PT403'
      else 'XX000'
    end,
    message = p_code,
    detail = p_detail;
end $$;
comment on function app.raise_error(text, text) is 'Raise a docs/design.md §5 error: invalid_input 22023, forbidden 42501, not_found PT404, invalid_state PT409, insufficient_credits PT402, purchase_required PT403.';
revoke execute on function app.raise_error(text, text) from public;

/**
 * Validates a piece of free text: not null, trimmed length within [p_min, p_max]. Returns it trimmed.
 * Every function taking text goes through this so lengths are checked the same way everywhere.
 */
create function app.clean_text(p_value text, p_field text, p_min integer, p_max integer) returns text
language plpgsql stable set search_path = '' as $$
declare
  v text := btrim(p_value);
begin
  if v is null or length(v) < p_min or length(v) > p_max then
    perform app.raise_error('invalid_input', case
      when p_min = p_max then format('%s must be %s characters.', p_field, p_min)
      else format('%s must be between %s and %s characters.', p_field, p_min, p_max)
    end);
  end if;
  return v;
end $$;
comment on function app.clean_text(text, text, integer, integer) is 'Trim and length-check user text; raises invalid_input naming the field.';
revoke execute on function app.clean_text(text, text, integer, integer) from public;

/** Keeps updated_at honest on every table that has one, whoever writes (the console included). */
create function app.touch_updated_at() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.updated_at := now();
  return new;
end $$;
comment on function app.touch_updated_at() is 'BEFORE UPDATE trigger: set updated_at = now().';
revoke execute on function app.touch_updated_at() from public;
