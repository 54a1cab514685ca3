create or replace function public.service_role_attach_checkout_session(p_order_id uuid, p_session_id text)
returns public.orders language plpgsql security definer set search_path = ''
as $function$
declare
  v_order public.orders;
  v_session text := app.clean_text(p_session_id, 'The checkout session id', 1, 255);
begin
  v_order := app.lock_order(p_order_id);
  if v_order.provider_session_id is not distinct from v_session then
    return v_order;
  end if;
  if v_order.provider <> 'stripe' then
    perform app.raise_error('invalid_state', 'Only a Stripe order has a checkout session.');
  end if;
  -- The session a paid order was paid through is its receipt's link to Stripe: it never changes.
  if v_order.status = 'paid' or v_order.refund_due then
    perform app.raise_error('invalid_state', 'This order is already paid through another checkout session.');
  end if;
  update public.orders set provider_session_id = v_session where id = v_order.id returning * into v_order;
  return v_order;
end $function$;

comment on function public.service_role_attach_checkout_session(uuid,text) is 'Service role: record the Stripe Checkout Session made for an order, by which the webhook finds it. The same session again returns the order unchanged; refuses test orders and paid orders (invalid_state).';

revoke all on function public.service_role_attach_checkout_session(uuid,text) from public, anon, authenticated, service_role;
grant execute on function public.service_role_attach_checkout_session(uuid,text) to service_role;
