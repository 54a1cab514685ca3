-- The functions that change an order start here, so an order is locked one way (FOR NO KEY UPDATE, which
-- leaves alone the KEY SHARE locks that rows referencing it, such as its purchase transfer, take) and a
-- missing one is refused in the same words everywhere.
create or replace function app.lock_order(p_order_id uuid)
returns public.orders language plpgsql security definer set search_path = ''
as $function$
declare
  v_order public.orders;
begin
  if p_order_id is null then
    perform app.raise_error('invalid_input', 'Give the order id.');
  end if;
  select * into v_order from public.orders o where o.id = p_order_id for no key update;
  if v_order.id is null then
    perform app.raise_error('not_found', 'There is no such order.');
  end if;
  return v_order;
end $function$;

comment on function app.lock_order(uuid) is 'Lock an order until the transaction ends and return it; invalid_input without an id, not_found for an unknown one.';

revoke all on function app.lock_order(uuid) from public, anon, authenticated, service_role;
