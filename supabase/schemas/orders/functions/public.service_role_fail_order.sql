-- A failed order is not final: a payment that still arrives for it is credited (see app.guard_order). Only
-- a paid order refuses to fail.
create or replace function public.service_role_fail_order(p_order_id uuid, p_reason text)
returns public.orders language plpgsql security definer set search_path = ''
as $function$
declare
  v_order public.orders;
  v_reason text := app.clean_text(p_reason, 'The reason', 1, 500);
begin
  v_order := app.lock_order(p_order_id);
  if v_order.status = 'failed' then
    return v_order;
  end if;
  if v_order.status = 'paid' then
    perform app.raise_error('invalid_state', 'This order is already paid.');
  end if;
  perform set_config('app.order_payment', v_order.id::text, true);
  update public.orders set status = 'failed', failure_reason = v_reason where id = v_order.id returning * into v_order;
  perform set_config('app.order_payment', '', true);
  return v_order;
end $function$;

comment on function public.service_role_fail_order(uuid,text) is 'Service role: mark a pending order failed (reason 1–500). Idempotent for failed orders; refuses paid ones.';

revoke all on function public.service_role_fail_order(uuid,text) from public, anon, authenticated, service_role;
grant execute on function public.service_role_fail_order(uuid,text) to service_role;
