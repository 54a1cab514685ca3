create or replace function app.looks_like_email(p_text text)
returns boolean language sql immutable set search_path = ''
as $function$
  select coalesce(p_text ~ '[^[:space:]@]+@[^[:space:]@]+\.[^[:space:]@]+', false)
$function$;

comment on function app.looks_like_email(text) is 'True when the text contains an e-mail-shaped token; such text is never shown as a public name.';

revoke all on function app.looks_like_email(text) from public, anon, authenticated, service_role;
