-- The order id is the one checkout put in the session's metadata (or, failing that, client_reference_id).
-- Anything that is not a UUID is not one of ours, so it is ignored rather than failing the webhook.
create or replace function app.checkout_session_of(p_event jsonb)
returns table(session_id text, order_id uuid, payment_status text, amount_total bigint, currency text, payment_id text) language sql immutable set search_path = ''
as $function$
  select
    s->>'id',
    case when r ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' then r::uuid end,
    s->>'payment_status',
    case when jsonb_typeof(s->'amount_total') = 'number' and (s->>'amount_total') ~ '^-?[0-9]{1,18}$'
      then (s->>'amount_total')::bigint end,
    lower(s->>'currency'),
    -- The payment intent (a string, or expanded to an object); the session itself for a free checkout.
    coalesce(
      case jsonb_typeof(s->'payment_intent') when 'string' then s->>'payment_intent' when 'object' then s->'payment_intent'->>'id' end,
      s->>'id')
  from (select p_event->'data'->'object' as s) x,
       lateral (select coalesce(s->'metadata'->>'order_id', s->>'client_reference_id') as r) y
$function$;

revoke all on function app.checkout_session_of(jsonb) from public, anon, authenticated, service_role;
