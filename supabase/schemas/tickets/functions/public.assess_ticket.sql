create or replace function public.assess_ticket(p_ticket_id uuid, p_category text, p_credits integer default NULL::integer, p_note text default NULL::text, p_upgrade_from text default NULL::text, p_upgrade_to text default NULL::text)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_staff();
  v_note text := case when nullif(btrim(p_note), '') is null then null else app.clean_text(p_note, 'The note', 1, 2000) end;
  v_category public.ticket_categories := app.category(p_category);
  v_ticket public.tickets := app.lock_ticket(p_ticket_id);
  v_price integer;
begin
  if v_ticket.status <> 'new' then
    perform app.raise_error('invalid_state', format('Ticket #%s is already assessed; reassess it instead.', v_ticket.number));
  end if;
  v_ticket := app.assessed_versions(v_ticket, v_category, p_upgrade_from, p_upgrade_to);
  v_price := app.price_for(v_category, p_credits, v_ticket.upgrade_from, v_ticket.upgrade_to);
  v_ticket.category := v_category.code;
  v_ticket.quoted_credits := v_price;
  v_ticket.assessed_at := now();
  v_ticket.assignee_id := coalesce(v_ticket.assignee_id, v_uid);
  perform app.log_event(v_ticket, v_uid, 'assessed', jsonb_build_object(
    'category', v_category.code, 'level', v_category.level, 'credits', v_price, 'note', v_note)
    || case when v_category.per_step_credits is not null
         then jsonb_build_object('upgrade_from', v_ticket.upgrade_from, 'upgrade_to', v_ticket.upgrade_to) else '{}' end);
  return app.apply_quote(v_ticket, v_uid);
end $function$;

comment on function public.assess_ticket(uuid,text,integer,text,text,text) is 'Staff: categorize a new ticket and apply the consent rules (charge, awaiting_credits or awaiting_confirmation). Upgrades need two versions from the release list.';

revoke all on function public.assess_ticket(uuid,text,integer,text,text,text) from public, anon, authenticated, service_role;
grant execute on function public.assess_ticket(uuid,text,integer,text,text,text) to authenticated;
