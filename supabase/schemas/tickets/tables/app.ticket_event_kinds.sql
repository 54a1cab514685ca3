create table app.ticket_event_kinds (
  kind public.ticket_event_kind not null,
  fields jsonb not null,
  description text not null,
  keys text[] generated always as (app.event_field_keys(fields)) stored not null,
  predicate jsonpath generated always as (app.event_fields_predicate(fields)) stored not null,
  constraint ticket_event_kinds_pkey PRIMARY KEY (kind),
  constraint ticket_event_kinds_fields_are_tags CHECK (jsonb_typeof(fields) = 'object'::text AND NOT jsonb_path_exists(fields, '$.*?(@.type() != "string")'::jsonpath) AND NOT jsonb_path_exists(fields, '$.*?(!(@ like_regex "^(boolean|number|string)(\\|null)?\\??$"))'::jsonpath))
);

comment on table app.ticket_event_kinds is 'The keys each audit event kind''s data carries, with their JSON types. app.log_event writes nothing else.';

revoke all on table app.ticket_event_kinds from anon, authenticated, service_role;
