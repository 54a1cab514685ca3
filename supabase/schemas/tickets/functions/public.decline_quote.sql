-- The engineer in charge is told (quote_declined), with the customer's reason.
create or replace function public.decline_quote(p_ticket_id uuid, p_reason text default NULL::text)
returns public.tickets language plpgsql security definer set search_path = ''
as $function$
declare
  v_uid uuid := app.require_user();
  v_reason text := case when nullif(btrim(p_reason), '') is null then null
                        else app.clean_text(p_reason, 'The reason', 1, 2000) end;
  v_ticket public.tickets := app.lock_member_ticket(p_ticket_id, v_uid);
begin
  if v_ticket.status <> 'awaiting_confirmation' then
    perform app.raise_error('invalid_state', format('Ticket #%s has no quote waiting for confirmation.', v_ticket.number));
  end if;
  update public.tickets set status = 'declined', closed_at = now() where id = v_ticket.id returning * into v_ticket;
  perform app.log_event(v_ticket, v_uid, 'quote_declined', jsonb_build_object(
    'category', v_ticket.category, 'credits', v_ticket.quoted_credits, 'kept', v_ticket.charged_credits, 'reason', v_reason));
  perform app.notify(app.ticket_engineer(v_ticket), 'quote_declined',
    format('Quote declined on ticket #%s', v_ticket.number),
    format('%s declined %s for "%s"; the ticket is closed.%s', app.display_name(v_uid), app.credits_text(v_ticket.quoted_credits),
      v_ticket.subject, case when v_reason is not null then format(' Their reason: %s', v_reason) else '' end),
    v_ticket.id, jsonb_build_object('credits', v_ticket.quoted_credits, 'reason', v_reason));
  return v_ticket;
end $function$;

comment on function public.decline_quote(uuid,text) is 'Customer: decline the quote (optional reason ≤ 2000); the ticket is closed, earlier charges kept.';

revoke all on function public.decline_quote(uuid,text) from public, anon, authenticated, service_role;
grant execute on function public.decline_quote(uuid,text) to authenticated;
