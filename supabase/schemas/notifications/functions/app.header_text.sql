-- Names and subjects end up in mail headers (To, Subject). A line break there would let whoever chose the
-- name or wrote the subject add headers of their own, so every control character becomes a space, runs of
-- spaces one, and the result is cut to p_max characters.
create or replace function app.header_text(p_text text, p_max integer)
returns text language sql immutable set search_path = ''
as $function$
  select left(btrim(regexp_replace(coalesce(p_text, ''), '[[:cntrl:][:space:]]+', ' ', 'g')), p_max)
$function$;

comment on function app.header_text(text,integer) is 'Text safe for a mail header: control characters and line breaks become single spaces; at most p_max characters.';

revoke all on function app.header_text(text,integer) from public, anon, authenticated, service_role;
