-- The refund itself happens in the payment provider's dashboard; this records it, so the refund_due list
-- empties and the order shows who refunded it and why.
create or replace function public.admin_mark_order_refunded(p_order_id uuid, p_note text)
returns public.orders language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_admin();
  v_note text := app.clean_text(p_note, 'The note', 3, 500);
  v_order public.orders;
begin
  v_order := app.lock_order(p_order_id);
  if not v_order.refund_due then
    perform app.raise_error('invalid_state', 'This order has nothing to refund: only a paid order that could not be credited does.');
  end if;
  if v_order.refunded_at is not null then
    return v_order;
  end if;
  update public.orders set refunded_at = now(), refunded_by = v_uid, refund_note = v_note
  where id = v_order.id returning * into v_order;
  return v_order;
end $function$;

comment on function public.admin_mark_order_refunded(uuid,text) is 'Admin: record the refund of a paid order that could not be credited (refund_due), with a note (3–500).';

revoke all on function public.admin_mark_order_refunded(uuid,text) from public, anon, authenticated, service_role;
grant execute on function public.admin_mark_order_refunded(uuid,text) to authenticated;
