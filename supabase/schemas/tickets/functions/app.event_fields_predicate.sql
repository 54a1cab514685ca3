-- Compiles the field tags into one JSON path predicate stored with each kind, so app.log_event checks an
-- event with a single jsonb_path_match. A non-object is taken as no fields, for the reason given in
-- tickets/functions/app.event_field_keys.sql.
create or replace function app.event_fields_predicate(p_fields jsonb)
returns jsonpath language sql immutable set search_path = ''
as $function$
  select coalesce(string_agg(
    format('(%s%s)',
      case when f.tag like '%?' then format('!exists(%s) || ', f.path) else '' end,
      concat_ws(' || ',
        format('%s.type() == "%s"', f.path, split_part(rtrim(f.tag, '?'), '|', 1)),
        case when f.tag like '%|null%' then format('%s.type() == "null"', f.path) end)),
    ' && ' order by f.path), 'true')::jsonpath
  from (select format('$.%s', to_json(e.key)) as path, e.value as tag from jsonb_each_text(case when jsonb_typeof(p_fields) = 'object' then p_fields else '{}' end) e) f
$function$;

revoke all on function app.event_fields_predicate(jsonb) from public, anon, authenticated, service_role;
