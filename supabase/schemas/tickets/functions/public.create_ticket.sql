-- The customer chooses pre-approval (up to a ceiling they see and may change, default the dearest fixed
-- category) or cost first. An upgrade ticket may name the versions so the engineer's assessment is priced
-- from the release list. Everyone on staff is told of the new ticket (new_ticket).
create or replace function public.create_ticket(p_subject text, p_body text, p_pre_approved boolean, p_upgrade_from text default NULL::text, p_upgrade_to text default NULL::text, p_account_id uuid default NULL::uuid, p_pre_approval_ceiling integer default NULL::integer)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
  v_subject text := app.clean_text(p_subject, 'The subject', 3, 200);
  v_body text := app.clean_body(p_body, 'The description');
  v_from text := nullif(btrim(p_upgrade_from), '');
  v_to text := nullif(btrim(p_upgrade_to), '');
  v_account_id uuid := p_account_id;
  v_ceiling integer;
  v_ticket public.tickets;
begin
  if p_pre_approved is null then
    perform app.raise_error('invalid_input', 'Choose "I agree in advance with the assessment" or "Tell me the cost first".');
  end if;
  if p_pre_approval_ceiling is not null and not p_pre_approved then
    perform app.raise_error('invalid_input', 'A pre-approval ceiling applies only when you agree in advance with the assessment.');
  end if;
  if p_pre_approval_ceiling is not null and p_pre_approval_ceiling not between 1 and 100000 then
    perform app.raise_error('invalid_input', 'The pre-approval ceiling must be between 1 and 100000 credits.');
  end if;
  if p_pre_approved then
    v_ceiling := coalesce(p_pre_approval_ceiling, app.default_pre_approval_ceiling());
  end if;
  if (v_from is null) <> (v_to is null) then
    perform app.raise_error('invalid_input', 'For an upgrade give both the current and the target version.');
  end if;
  if v_from is not null then
    perform public.upgrade_cost(v_from, v_to); -- unknown versions or a backwards upgrade: invalid_input
  end if;
  if v_account_id is null then
    v_account_id := app.personal_account_id(v_uid);
    if v_account_id is null then
      perform app.raise_error('invalid_state', 'You have no credit account.');
    end if;
  elsif not exists (select 1 from public.account_members m where m.account_id = v_account_id and m.user_id = v_uid) then
    perform app.raise_error('not_found', 'There is no such credit account.');
  end if;

  insert into public.tickets (account_id, created_by, subject, body, pre_approved, pre_approval_ceiling, upgrade_from, upgrade_to)
  values (v_account_id, v_uid, v_subject, v_body, p_pre_approved, v_ceiling, v_from, v_to)
  returning * into v_ticket;
  perform app.log_event(v_ticket, v_uid, 'created', jsonb_build_object(
    'pre_approved', p_pre_approved, 'pre_approval_ceiling', v_ceiling, 'upgrade_from', v_from, 'upgrade_to', v_to));
  perform app.notify_staff(array['engineer', 'admin']::public.app_role[], 'new_ticket',
    format('New ticket #%s', v_ticket.number),
    format('%s opened "%s"%s.', app.display_name(v_uid), v_subject,
      case when p_pre_approved then ' and agrees in advance with the assessment' else ' and wants to know the cost first' end),
    v_ticket.id, jsonb_build_object('author', app.display_name(v_uid), 'pre_approved', p_pre_approved,
      'upgrade_from', v_from, 'upgrade_to', v_to, 'message', left(v_body, 10000)),
    p_except => v_uid);
  return v_ticket;
end $function$;

comment on function public.create_ticket(text,text,boolean,text,text,uuid,integer) is 'Customer: open a ticket (subject 3–200, body 1–20000, pre_approved required; optional upgrade versions, account and pre-approval ceiling 1–100000).';

revoke all on function public.create_ticket(text,text,boolean,text,text,uuid,integer) from public, anon, authenticated, service_role;
grant execute on function public.create_ticket(text,text,boolean,text,text,uuid,integer) to authenticated;
