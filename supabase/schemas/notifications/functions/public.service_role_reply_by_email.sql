-- A reply to a ticket mail, as the inbound-email function hands it over (signature checked, quoted history
-- and signature stripped). The token of the Reply-To address names the ticket and the person it was sent
-- to; the mail must come from that person's address, since a forwarded mail would otherwise let anyone it
-- reached write as them. The message is posted under the portal's own rules (app.post_message), once per
-- Message-ID. Every refusal changes nothing and enqueues one `reply_refused` mail to the sender saying why
-- (once per Message-ID); nothing is sent to a sender that is not a plain address. Strangers (unknown
-- address or sender) are not told the ticket's number.
create or replace function public.service_role_reply_by_email(p_token text, p_from text, p_text text, p_message_id text)
returns jsonb language plpgsql security definer set search_path = ''
as $function$
declare
  v_message_id text := btrim(p_message_id);
  v_from text := lower(btrim(coalesce(p_from, '')));
  v_token app.mail_tokens;
  v_ticket public.tickets;
  v_email text;
  v_status text;
  v_number integer;
  v_inbound app.mail_inbound;
  v_posted public.ticket_messages;
  v_state text;
begin
  if v_message_id is null or length(v_message_id) not between 1 and 998 then
    perform app.raise_error('invalid_input', 'Give the Message-ID of the mail (1–998 characters).');
  end if;

  select * into v_inbound from app.mail_inbound i where i.message_id = v_message_id;
  if v_inbound.message_id is not null then
    return jsonb_build_object('status', 'duplicate',
      'ticket_number', (select t.number from public.tickets t where t.id = v_inbound.ticket_id));
  end if;

  select * into v_token from app.mail_tokens t where t.purpose = 'reply' and t.token = btrim(p_token);
  if v_token.token is null then
    v_status := 'unknown_address';
  else
    select * into v_ticket from public.tickets t where t.id = v_token.ticket_id;
    select lower(btrim(p.email)) into v_email from public.profiles p where p.id = v_token.user_id;
    if v_email is null or v_from <> v_email then
      v_status := 'unknown_sender';
    else
      v_number := v_ticket.number;
      if p_text is null or p_text !~ '[^[:space:]]' then
        v_status := 'empty';
      elsif not app.is_open(v_ticket.status) then
        v_status := 'ticket_closed';
      else
        begin
          insert into app.mail_inbound (message_id, ticket_id, user_id)
          values (v_message_id, v_ticket.id, v_token.user_id)
          on conflict (message_id) do nothing
          returning * into v_inbound;
          if v_inbound.message_id is null then
            -- A simultaneous delivery of the same mail committed first.
            return jsonb_build_object('status', 'duplicate', 'ticket_number', v_number);
          end if;
          v_posted := app.post_message(v_token.user_id, v_ticket.id, left(p_text, 20000), false);
          update app.mail_inbound i set ticket_message_id = v_posted.id where i.message_id = v_message_id;
          v_status := 'posted';
        exception when sqlstate 'PT409' or sqlstate 'PT404' or sqlstate '42501' or sqlstate '22023' then
          -- The portal's rules refused it (a ticket waiting on the customer is not answered by staff;
          -- a customer no longer on the account): the block's writes are rolled back.
          get stacked diagnostics v_state = returned_sqlstate;
          v_status := case when v_state = 'PT409' then 'ticket_closed'
                           when v_state = '22023' then 'empty'
                           else 'unknown_sender' end;
          if v_status = 'unknown_sender' then
            v_number := null;
          end if;
        end;
      end if;
    end if;
  end if;

  if v_status <> 'posted' then
    perform app.enqueue_mail_to(v_from, '', 'reply_refused', format('reply_refused:%s', md5(v_message_id)),
      jsonb_build_object('reason', v_status, 'ticket_number', v_number));
  end if;
  return jsonb_build_object('status', v_status, 'ticket_number', v_number);
end $function$;

comment on function public.service_role_reply_by_email(text,text,text,text) is 'Service role (inbound-email): post an e-mail reply to the ticket its reply token names, as the token''s person, once per Message-ID. Returns {status: posted | duplicate | unknown_address | unknown_sender | ticket_closed | empty, ticket_number}.';

revoke all on function public.service_role_reply_by_email(text,text,text,text) from public, anon, authenticated, service_role;
grant execute on function public.service_role_reply_by_email(text,text,text,text) to service_role;
