-- A non-object is taken as no fields: the generated columns are computed before the table's check, which
-- then refuses it with its own name.
create or replace function app.event_field_keys(p_fields jsonb)
returns text[] language sql immutable set search_path = ''
as $function$
  select coalesce(array_agg(f.key order by f.key), '{}')
  from jsonb_object_keys(case when jsonb_typeof(p_fields) = 'object' then p_fields else '{}' end) f(key)
$function$;

revoke all on function app.event_field_keys(jsonb) from public, anon, authenticated, service_role;
