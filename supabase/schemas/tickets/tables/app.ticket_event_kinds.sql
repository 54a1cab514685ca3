-- The audit trail's vocabulary, defined once. If the keys of each kind's data lived only in the app's
-- TypeScript, checked against the SQL after the fact, a writer could put a key the timelines never read (a
-- key written under one name and read under another shows "? credits") and nothing would refuse it. So:
-- - the kinds are the enum public.ticket_event_kind, which reaches TypeScript through the generated types;
-- - this table says, per kind, which keys its data carries and each value's JSON type (a tag is boolean,
--   number or string, with `|null` when the value may be null and a final `?` when only some writers include
--   the key);
-- - app.log_event, the only writer of ticket_events, refuses data that does not fit its kind, so every row
--   in the trail has exactly the keys its definition names.
-- `keys` and `predicate` are derived from `fields`, so app.log_event checks an event with one call instead of
-- a query per key.
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
