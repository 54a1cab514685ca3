create or replace function public.admin_resolve_payment_event(p_event_id text, p_note text)
returns public.payment_events language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_admin();
  v_note text := app.clean_text(p_note, 'The note', 3, 500);
  v_event public.payment_events;
begin
  select * into v_event from public.payment_events e where e.id = p_event_id for update;
  if v_event.id is null then
    perform app.raise_error('not_found', 'There is no such payment event.');
  end if;
  if v_event.problem is null then
    perform app.raise_error('invalid_state', 'This payment event was applied normally; there is nothing to resolve.');
  end if;
  if v_event.resolved_at is not null then
    return v_event;
  end if;
  update public.payment_events set resolved_at = now(), resolved_by = v_uid, resolution_note = v_note
  where id = v_event.id returning * into v_event;
  return v_event;
end $function$;

comment on function public.admin_resolve_payment_event(text,text) is 'Admin: mark a payment event''s problem resolved, with a note (3–500).';

revoke all on function public.admin_resolve_payment_event(text,text) from public, anon, authenticated, service_role;
grant execute on function public.admin_resolve_payment_event(text,text) to authenticated;
