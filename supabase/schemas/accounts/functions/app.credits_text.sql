create or replace function app.credits_text(p_credits bigint)
returns text language sql immutable strict parallel safe set search_path = ''
as $function$
  select format('%s %s', p_credits, case when p_credits = 1 then 'credit' else 'credits' end)
$function$;

comment on function app.credits_text(bigint) is 'An amount of credits in words for the texts the database writes: 1 credit, 5 credits. bigint so that sums and balance arithmetic need no cast; an integer argument widens to it.';

revoke all on function app.credits_text(bigint) from public, anon, authenticated, service_role;
