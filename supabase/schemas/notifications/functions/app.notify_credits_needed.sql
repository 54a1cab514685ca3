-- When a balance runs out while several tickets are assessed, one notice per waiting ticket would bury the
-- customer in near-identical notices (on top of the low-balance one). So the waiting tickets share one unread
-- notice that lists them all and says how many credits cover them; it is rewritten, not repeated, while it is
-- unread. A single waiting ticket keeps its own wording and link. The notice is per person and account
-- (its data names the account): someone who also waits on a shared account gets that account's list
-- beside their own, not in its place. Runs under the account lock (app.charge_ticket), so two waiting
-- tickets of one account never write the same notice at the same time.
create or replace function app.notify_credits_needed(p_ticket public.tickets, p_amount integer, p_balance integer)
returns void language plpgsql security definer set search_path = ''
as $function$
declare
  v_waiting jsonb;
  v_count integer;
  v_due bigint;
  v_title text;
  v_body text;
  v_data jsonb;
  v_ticket_id uuid;
  v_notice uuid;
begin
  if p_ticket.created_by is null then
    return;
  end if;
  select coalesce(jsonb_agg(jsonb_build_object(
           'ticket_id', t.id, 'number', t.number, 'subject', t.subject, 'credits', t.quoted_credits - t.charged_credits)
           order by t.created_at, t.number), '[]'),
         count(*), coalesce(sum(t.quoted_credits - t.charged_credits), 0)
  into v_waiting, v_count, v_due
  from public.tickets t
  where t.account_id = p_ticket.account_id and t.created_by = p_ticket.created_by and t.status = 'awaiting_credits';

  if v_count <= 1 then
    v_title := format('Ticket #%s is %s short', p_ticket.number, app.credits_text(p_amount - p_balance));
    v_body := format('Ticket #%s costs %s and your balance is %s. Add %s and it will be charged automatically.',
      p_ticket.number, app.credits_text(p_amount), p_balance, app.credits_text(p_amount - p_balance));
    v_data := jsonb_build_object('account_id', p_ticket.account_id, 'credits', p_amount, 'balance', p_balance, 'missing', p_amount - p_balance);
    v_ticket_id := p_ticket.id;
  else
    v_title := format('%s tickets are %s short', v_count, app.credits_text(greatest(v_due - p_balance, 1)));
    v_body := format('Waiting for credits: %s%s. Together they cost %s and your balance is %s. Add %s and they will be charged automatically, oldest first.',
      (select string_agg(format('#%s "%s" (%s)', w.value->>'number', w.value->>'subject', app.credits_text((w.value->>'credits')::bigint)), ', ' order by w.n)
         from jsonb_array_elements(v_waiting) with ordinality w(value, n) where w.n <= 10),
      case when v_count > 10 then format(' and %s more', v_count - 10) else '' end,
      app.credits_text(v_due), p_balance, app.credits_text(greatest(v_due - p_balance, 1)));
    v_data := jsonb_build_object('account_id', p_ticket.account_id, 'tickets', v_waiting, 'credits', v_due, 'balance', p_balance,
      'missing', greatest(v_due - p_balance, 1));
    v_ticket_id := null;
  end if;

  select n.id into v_notice from public.notifications n
  where n.user_id = p_ticket.created_by and n.kind = 'credits_needed' and n.read_at is null
    and n.data->>'account_id' = p_ticket.account_id::text
  order by n.created_at desc
  limit 1
  for update;
  if v_notice is null then
    perform app.notify(p_ticket.created_by, 'credits_needed', v_title, left(v_body, 4000), v_ticket_id, v_data);
  else
    update public.notifications
    set title = v_title, body = left(v_body, 4000), data = v_data, ticket_id = v_ticket_id, created_at = clock_timestamp()
    where id = v_notice;
  end if;
end $function$;

comment on function app.notify_credits_needed(public.tickets,integer,integer) is 'One unread credits_needed notice per person and account, listing their tickets on that account waiting for credits.';

revoke all on function app.notify_credits_needed(public.tickets,integer,integer) from public, anon, authenticated, service_role;
