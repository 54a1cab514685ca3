-- The new ticket keeps its parent's consent and pre-approval ceiling: with the default ceiling instead, a
-- customer who had raised theirs would be asked again, or, having lowered it, charged without asking up to
-- the default. Its `created` event says what it was split from.
create or replace function public.split_ticket(p_ticket_id uuid, p_subject text, p_body text)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_staff();
  v_subject text := app.clean_text(p_subject, 'The subject', 3, 200);
  v_body text := app.clean_body(p_body, 'The description');
  v_parent public.tickets := app.lock_ticket(p_ticket_id);
  v_child public.tickets;
begin
  if not app.is_open(v_parent.status) then
    perform app.raise_error('invalid_state', format('Ticket #%s is closed.', v_parent.number));
  end if;
  insert into public.tickets (account_id, created_by, subject, body, pre_approved, pre_approval_ceiling, parent_id)
  values (v_parent.account_id, v_parent.created_by, v_subject, v_body, v_parent.pre_approved, v_parent.pre_approval_ceiling, v_parent.id)
  returning * into v_child;
  update public.tickets set updated_at = now() where id = v_parent.id;
  perform app.log_event(v_parent, v_uid, 'split', jsonb_build_object(
    'child_id', v_child.id, 'child_number', v_child.number, 'subject', v_subject));
  perform app.log_event(v_child, v_uid, 'created', jsonb_build_object(
    'pre_approved', v_child.pre_approved, 'pre_approval_ceiling', v_child.pre_approval_ceiling,
    'split_from_id', v_parent.id, 'split_from_number', v_parent.number));
  perform app.notify(v_parent.created_by, 'split',
    format('Ticket #%s was split: new ticket #%s', v_parent.number, v_child.number),
    format('"%s" is a separate issue, so it now has its own ticket #%s and will be assessed on its own.', v_subject, v_child.number),
    v_child.id, jsonb_build_object('parent_id', v_parent.id, 'parent_number', v_parent.number, 'child_number', v_child.number));
  return v_child;
end $function$;

comment on function public.split_ticket(uuid,text,text) is 'Staff: split a separate question off an open ticket into a new ticket with the same consent and pre-approval ceiling; returns the new ticket.';

revoke all on function public.split_ticket(uuid,text,text) from public, anon, authenticated, service_role;
grant execute on function public.split_ticket(uuid,text,text) to authenticated;
