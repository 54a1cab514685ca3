-- Refuses what assess_ticket / reassess_ticket would refuse, with the same errors, and otherwise reports
-- app.quote_outcome, so the dialog shows exactly what the database will do.
create or replace function public.preview_quote(p_ticket_id uuid, p_category text, p_credits integer default NULL::integer, p_upgrade_from text default NULL::text, p_upgrade_to text default NULL::text)
returns jsonb language plpgsql stable security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_staff();
  v_category public.ticket_categories;
  v_ticket public.tickets;
  v_before public.tickets;
  v_price integer;
begin
  select * into v_ticket from public.tickets t where t.id = p_ticket_id;
  if v_ticket.id is null then
    perform app.raise_error('not_found', 'There is no such ticket.');
  end if;
  if not app.is_open(v_ticket.status) then
    perform app.raise_error('invalid_state', format('Ticket #%s is closed.', v_ticket.number));
  end if;
  v_category := app.category(p_category);
  v_before := v_ticket;
  v_ticket := app.assessed_versions(v_ticket, v_category, p_upgrade_from, p_upgrade_to);
  v_price := app.price_for(v_category, p_credits, v_ticket.upgrade_from, v_ticket.upgrade_to);
  if v_before.status <> 'new' and v_category.code = v_before.category and v_price = v_before.quoted_credits then
    perform app.raise_error('invalid_input', format('Ticket #%s is already %s for %s.', v_ticket.number, v_category.name, app.credits_text(v_price)));
  end if;
  v_ticket.category := v_category.code;
  v_ticket.quoted_credits := v_price;
  return to_jsonb(app.quote_outcome(v_ticket, v_category));
end $function$;

comment on function public.preview_quote(uuid,text,integer,text,text) is 'Staff: what assess_ticket (new ticket) or reassess_ticket (assessed open ticket) would do at this category and price — kind charge | awaiting_credits | quote | refund | no_change with its figures; changes nothing.';

revoke all on function public.preview_quote(uuid,text,integer,text,text) from public, anon, authenticated, service_role;
grant execute on function public.preview_quote(uuid,text,integer,text,text) to authenticated;
