-- Data that does not fit its kind is a fault in the calling function, not in the user's input, so it aborts
-- the whole action (nothing the caller did is kept) with a message naming the kind and the keys.
create or replace function app.log_event(p_ticket public.tickets, p_actor uuid, p_kind public.ticket_event_kind, p_data jsonb default '{}'::jsonb, p_internal boolean default false)
returns void language plpgsql security definer set search_path = ''
as $function$
declare
  v_data jsonb := coalesce(p_data, '{}');
  v_kind app.ticket_event_kinds;
  v_problems text;
begin
  select * into v_kind from app.ticket_event_kinds k where k.kind = p_kind;
  if v_kind.kind is null then
    raise exception 'ticket event kind % has no definition in app.ticket_event_kinds', p_kind;
  end if;
  if jsonb_typeof(v_data) <> 'object' then
    raise exception 'ticket event %: data must be a JSON object, not %', p_kind, jsonb_typeof(v_data);
  end if;

  -- Events are written on every step of a ticket: the check that passes is two operators; only a
  -- misfit pays for working out what exactly is wrong.
  if (v_data - v_kind.keys) <> '{}' or not jsonb_path_match(v_data, v_kind.predicate) then
    select string_agg(problem, '; ' order by problem) into v_problems from (
      select format('unknown key %s', d.key) as problem
      from jsonb_object_keys(v_data) d(key) where not v_kind.fields ? d.key
      union all
      select format('missing key %s', f.key)
      from jsonb_each_text(v_kind.fields) f(key, tag) where f.tag not like '%?' and not v_data ? f.key
      union all
      select format('%s is %s, not %s', d.key, jsonb_typeof(d.value), rtrim(v_kind.fields ->> d.key, '?'))
      from jsonb_each(v_data) d
      where v_kind.fields ? d.key
        and case jsonb_typeof(d.value)
          when 'null' then rtrim(v_kind.fields ->> d.key, '?') not like '%|null'
          else jsonb_typeof(d.value) <> split_part(rtrim(v_kind.fields ->> d.key, '?'), '|', 1)
        end
    ) p;
    raise exception 'ticket event % does not fit its definition: %', p_kind, v_problems
      using hint = 'The keys each kind carries are in app.ticket_event_kinds.';
  end if;

  insert into public.ticket_events (ticket_id, account_id, actor_id, actor_name, kind, data, internal)
  values (p_ticket.id, p_ticket.account_id, p_actor, app.display_name(p_actor), p_kind, v_data, p_internal);
end $function$;

revoke all on function app.log_event(public.tickets,uuid,public.ticket_event_kind,jsonb,boolean) from public, anon, authenticated, service_role;
