-- When the new category refunds credits or charges more at once, the customer gets one notice saying what
-- changed, why, and what it did to their balance (recategorized), in place of the plain refunded or charged
-- notice of this ticket (app.recategorizing tells app.refund_ticket_credits and app.record_charge so for
-- this transaction); a higher price that needs their confirmation is a quote_ready notice instead.
create or replace function public.reassess_ticket(p_ticket_id uuid, p_category text, p_credits integer default NULL::integer, p_reason text default NULL::text, p_upgrade_from text default NULL::text, p_upgrade_to text default NULL::text)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_staff();
  v_reason text := app.clean_text(p_reason, 'The reason', 3, 2000);
  v_category public.ticket_categories := app.category(p_category);
  v_ticket public.tickets := app.lock_ticket(p_ticket_id);
  v_before public.tickets;
  v_after public.tickets;
  v_price integer;
  v_change integer;
begin
  if v_ticket.status = 'new' then
    perform app.raise_error('invalid_state', format('Ticket #%s is not assessed yet; assess it first.', v_ticket.number));
  end if;
  if not app.is_open(v_ticket.status) then
    perform app.raise_error('invalid_state', format('Ticket #%s is closed.', v_ticket.number));
  end if;
  v_before := v_ticket;
  v_ticket := app.assessed_versions(v_ticket, v_category, p_upgrade_from, p_upgrade_to);
  v_price := app.price_for(v_category, p_credits, v_ticket.upgrade_from, v_ticket.upgrade_to);
  if v_category.code = v_before.category and v_price = v_before.quoted_credits then
    perform app.raise_error('invalid_input', format('Ticket #%s is already %s for %s.', v_ticket.number, v_category.name, app.credits_text(v_price)));
  end if;
  v_ticket.category := v_category.code;
  v_ticket.quoted_credits := v_price;
  perform app.log_event(v_ticket, v_uid, 'reassessed', jsonb_build_object(
    'from_category', v_before.category, 'to_category', v_category.code,
    'from_credits', v_before.quoted_credits, 'to_credits', v_price, 'reason', v_reason));
  perform set_config('app.recategorizing', v_ticket.id::text, true);
  v_after := app.apply_quote(v_ticket, v_uid);
  perform set_config('app.recategorizing', '', true);
  v_change := v_after.charged_credits - v_before.charged_credits;
  if v_change <> 0 then
    perform app.notify(v_after.created_by, 'recategorized',
      format('Ticket #%s is now %s: %s %s', v_after.number, v_category.name, app.credits_text(abs(v_change)),
        case when v_change < 0 then 'refunded' else 'charged' end),
      format('Ticket #%s "%s" moved from %s to %s, which costs %s. %s %s %s. Reason: %s',
        v_after.number, v_after.subject, (app.category(v_before.category)).name, v_category.name,
        app.credits_text(v_price), app.credits_text(abs(v_change)), case when abs(v_change) = 1 then 'was' else 'were' end,
        case when v_change < 0 then 'refunded to your balance' else 'charged from your balance' end, v_reason),
      v_after.id, jsonb_build_object('from_category', v_before.category, 'to_category', v_category.code,
        'from_credits', v_before.quoted_credits, 'to_credits', v_price,
        'refunded', greatest(-v_change, 0), 'charged', greatest(v_change, 0), 'reason', v_reason));
  end if;
  return v_after;
end $function$;

comment on function public.reassess_ticket(uuid,text,integer,text,text,text) is 'Staff: re-categorize an assessed open ticket (reason 3–2000); refunds or charges the difference, or asks the customer to confirm. Upgrades need two versions from the release list.';

revoke all on function public.reassess_ticket(uuid,text,integer,text,text,text) from public, anon, authenticated, service_role;
grant execute on function public.reassess_ticket(uuid,text,integer,text,text,text) to authenticated;
