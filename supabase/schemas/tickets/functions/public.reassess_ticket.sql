create or replace function public.reassess_ticket(p_ticket_id uuid, p_category text, p_credits integer default NULL::integer, p_reason text default NULL::text, p_upgrade_from text default NULL::text, p_upgrade_to text default NULL::text)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_staff();
  v_reason text := app.clean_text(p_reason, 'The reason', 3, 2000);
  v_category public.ticket_categories := app.category(p_category);
  v_ticket public.tickets := app.lock_ticket(p_ticket_id);
  v_before public.tickets;
  v_price integer;
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
  return app.apply_quote(v_ticket, v_uid);
end $function$;

comment on function public.reassess_ticket(uuid,text,integer,text,text,text) is 'Staff: re-categorize an assessed open ticket (reason 3–2000); refunds or charges the difference, or asks the customer to confirm. Upgrades need two versions from the release list.';

revoke all on function public.reassess_ticket(uuid,text,integer,text,text,text) from public, anon, authenticated, service_role;
grant execute on function public.reassess_ticket(uuid,text,integer,text,text,text) to authenticated;
