create or replace function app.log_event(p_ticket public.tickets, p_actor uuid, p_kind text, p_data jsonb default '{}'::jsonb, p_internal boolean default false)
returns void
language plpgsql
security definer
set search_path = ''
as $function$
begin
  insert into public.ticket_events (ticket_id, account_id, actor_id, actor_name, kind, data, internal)
  values (p_ticket.id, p_ticket.account_id, p_actor, app.display_name(p_actor), p_kind, coalesce(p_data, '{}'), p_internal);
end $function$;

revoke all on function app.log_event(public.tickets,uuid,text,jsonb,boolean) from public, anon, authenticated, service_role;
