-- Get or make the token for an unsubscribe link (p_ticket_id null) or a ticket's Reply-To address. Two
-- claimers making the same token at once both end with the one that was stored first.
create or replace function app.mail_token(p_purpose text, p_user_id uuid, p_ticket_id uuid default NULL::uuid)
returns text language plpgsql security definer set search_path = ''
as $function$
declare
  v_token text;
begin
  if p_user_id is null or (p_purpose = 'reply' and p_ticket_id is null) then
    return null;
  end if;
  select t.token into v_token from app.mail_tokens t
  where t.purpose = p_purpose and t.user_id = p_user_id and t.ticket_id is not distinct from p_ticket_id;
  if v_token is null then
    insert into app.mail_tokens (token, purpose, user_id, ticket_id)
    values (replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', ''), p_purpose, p_user_id, p_ticket_id)
    on conflict (purpose, user_id, ticket_id) do nothing
    returning token into v_token;
    if v_token is null then
      select t.token into v_token from app.mail_tokens t
      where t.purpose = p_purpose and t.user_id = p_user_id and t.ticket_id is not distinct from p_ticket_id;
    end if;
  end if;
  return v_token;
end $function$;

comment on function app.mail_token(text,uuid,uuid) is 'The unsubscribe token of a person (p_ticket_id null) or their reply token for a ticket; made on first use.';

revoke all on function app.mail_token(text,uuid,uuid) from public, anon, authenticated, service_role;
