/**
 * The audit trail's vocabulary, defined once, here.
 *
 * Until now the kinds were a check constraint on ticket_events.kind and the keys each kind's data carries
 * were written only in the app's TypeScript, checked against the SQL by a test after the fact. A writer
 * could put a key the timelines never read (the "? credits" bug was a key written under one name and
 * read under another) and nothing refused it.
 *
 * Now:
 *  - the kinds are the enum public.ticket_event_kind, which reaches TypeScript through the generated
 *    types (Database['public']['Enums']['ticket_event_kind'] and Constants);
 *  - app.ticket_event_kinds says, per kind, which keys its data carries and each value's type;
 *  - app.log_event, the only writer of ticket_events, refuses data that does not fit its kind, so every
 *    row in the trail has exactly the keys its definition names.
 */

create type public.ticket_event_kind as enum (
  'created', 'assessed', 'reassessed', 'quote_confirmed', 'quote_declined', 'charged', 'awaiting_credits',
  'refunded', 'split', 'resolved', 'canceled', 'assigned'
);
comment on type public.ticket_event_kind is 'What happened to a ticket. The keys each kind''s data carries are in app.ticket_event_kinds.';

alter table public.ticket_events drop constraint ticket_events_kind_check;
alter table public.ticket_events alter column kind type public.ticket_event_kind using kind::public.ticket_event_kind;

/**
 * The keys a kind's field tags name. This and the predicate below take a non-object as no fields: the
 * generated columns are computed before the table's check, which then refuses it with its own name.
 */
create function app.event_field_keys(p_fields jsonb) returns text[]
language sql immutable set search_path = '' as $$
  select coalesce(array_agg(f.key order by f.key), '{}')
  from jsonb_object_keys(case when jsonb_typeof(p_fields) = 'object' then p_fields else '{}' end) f(key)
$$;
revoke execute on function app.event_field_keys(jsonb) from public;

/**
 * The field tags as one JSON path predicate, true when every required key is there and every key
 * present has its type: `{"credits": "number", "note": "string|null?"}` becomes
 * `($."credits".type() == "number") && (!exists($."note") || $."note".type() == "string" || …)`.
 * Stored with each kind, so app.log_event checks an event with one call instead of a query per key.
 */
create function app.event_fields_predicate(p_fields jsonb) returns jsonpath
language sql immutable set search_path = '' as $$
  select coalesce(string_agg(
    format('(%s%s)',
      case when f.tag like '%?' then format('!exists(%s) || ', f.path) else '' end,
      concat_ws(' || ',
        format('%s.type() == "%s"', f.path, split_part(rtrim(f.tag, '?'), '|', 1)),
        case when f.tag like '%|null%' then format('%s.type() == "null"', f.path) end)),
    ' && ' order by f.path), 'true')::jsonpath
  from (select format('$.%s', to_json(e.key)) as path, e.value as tag from jsonb_each_text(case when jsonb_typeof(p_fields) = 'object' then p_fields else '{}' end) e) f
$$;
revoke execute on function app.event_fields_predicate(jsonb) from public;

/**
 * Per kind: the keys of its `data` and each value's JSON type. A tag is `boolean`, `number` or `string`,
 * with `|null` when the value may be null and a final `?` when only some writers include the key (a
 * `created` event carries `split_from_*` only when the ticket was split off another). `keys` and
 * `predicate` are derived from `fields` for app.log_event.
 */
create table app.ticket_event_kinds (
  kind public.ticket_event_kind primary key,
  fields jsonb not null,
  description text not null,
  keys text[] not null generated always as (app.event_field_keys(fields)) stored,
  predicate jsonpath not null generated always as (app.event_fields_predicate(fields)) stored,
  constraint ticket_event_kinds_fields_are_tags check (
    jsonb_typeof(fields) = 'object'
    and not jsonb_path_exists(fields, '$.* ? (@.type() != "string")')
    and not jsonb_path_exists(fields, '$.* ? (!(@ like_regex "^(boolean|number|string)(\\|null)?\\??$"))')
  )
);
comment on table app.ticket_event_kinds is 'The keys each audit event kind''s data carries, with their JSON types. app.log_event writes nothing else.';

insert into app.ticket_event_kinds (kind, fields, description) values
  ('created', '{"pre_approved": "boolean", "pre_approval_ceiling": "number|null?", "upgrade_from": "string|null?", "upgrade_to": "string|null?", "split_from_id": "string?", "split_from_number": "number?"}',
   'A ticket was opened: by create_ticket (pre-approval, its ceiling, the upgrade versions) or by split_ticket (the ticket it was split from).'),
  ('assessed', '{"category": "string", "level": "number", "credits": "number", "note": "string|null", "upgrade_from": "string?", "upgrade_to": "string?"}',
   'An engineer priced a new ticket; upgrade assessments name the versions the price was counted from.'),
  ('reassessed', '{"from_category": "string|null", "to_category": "string", "from_credits": "number|null", "to_credits": "number", "reason": "string"}',
   'An engineer changed the category of an assessed ticket, with a reason.'),
  ('quote_confirmed', '{"category": "string", "credits": "number"}', 'The customer confirmed a quote.'),
  ('quote_declined', '{"category": "string", "credits": "number", "kept": "number", "reason": "string|null"}',
   'The customer declined a quote; kept is what was charged earlier and stays charged.'),
  ('charged', '{"credits": "number", "charged_credits": "number", "transfer_id": "string", "automatic": "boolean"}',
   'Credits were charged for the ticket; automatic when Pro Portal charged it because credits arrived.'),
  ('awaiting_credits', '{"credits": "number", "balance": "number", "missing": "number"}',
   'The ticket waits for credits: its cost, the balance and what is missing.'),
  ('refunded', '{"credits": "number", "charged_credits": "number", "reason": "string", "transfer_id": "string"}',
   'Credits charged for the ticket were given back.'),
  ('split', '{"child_id": "string", "child_number": "number", "subject": "string"}',
   'A separate question was moved to a new ticket (which gets a created event naming this one).'),
  ('resolved', '{"from_status": "string", "charged_credits": "number"}', 'An engineer resolved the ticket.'),
  ('canceled', '{}', 'The customer withdrew the ticket.'),
  ('assigned', '{"assignee_id": "string|null", "assignee_name": "string"}', 'Staff only: the ticket was (un)assigned.');

revoke all on app.ticket_event_kinds from public, anon, authenticated;

/**
 * Appends one event to a ticket's audit trail, after checking its data against the kind's definition in
 * app.ticket_event_kinds: no key it does not name, every key it requires, each value of its type. A
 * mismatch is a fault in the calling function, not in the user's input, so it aborts the whole action
 * (nothing the caller did is kept) with a message naming the kind and the keys.
 */
drop function app.log_event(public.tickets, uuid, text, jsonb, boolean);
create function app.log_event(
  p_ticket public.tickets, p_actor uuid, p_kind public.ticket_event_kind, p_data jsonb default '{}', p_internal boolean default false
) returns void
language plpgsql security definer set search_path = '' as $$
declare
  v_data jsonb := coalesce(p_data, '{}');
  v_kind app.ticket_event_kinds;
  v_problems text;
begin
  select * into v_kind from app.ticket_event_kinds k where k.kind = p_kind;
  if v_kind.kind is null then
    raise exception 'ticket event kind % has no definition in app.ticket_event_kinds', p_kind;
  end if;
  if jsonb_typeof(v_data) <> 'object' then
    raise exception 'ticket event %: data must be a JSON object, not %', p_kind, jsonb_typeof(v_data);
  end if;

  -- Events are written on every step of a ticket: the check that passes is two operators; only a
  -- misfit pays for working out what exactly is wrong.
  if (v_data - v_kind.keys) <> '{}' or not jsonb_path_match(v_data, v_kind.predicate) then
    select string_agg(problem, '; ' order by problem) into v_problems from (
      select format('unknown key %s', d.key) as problem
      from jsonb_object_keys(v_data) d(key) where not v_kind.fields ? d.key
      union all
      select format('missing key %s', f.key)
      from jsonb_each_text(v_kind.fields) f(key, tag) where f.tag not like '%?' and not v_data ? f.key
      union all
      select format('%s is %s, not %s', d.key, jsonb_typeof(d.value), rtrim(v_kind.fields ->> d.key, '?'))
      from jsonb_each(v_data) d
      where v_kind.fields ? d.key
        and case jsonb_typeof(d.value)
          when 'null' then rtrim(v_kind.fields ->> d.key, '?') not like '%|null'
          else jsonb_typeof(d.value) <> split_part(rtrim(v_kind.fields ->> d.key, '?'), '|', 1)
        end
    ) p;
    raise exception 'ticket event % does not fit its definition: %', p_kind, v_problems
      using hint = 'The keys each kind carries are in app.ticket_event_kinds.';
  end if;

  insert into public.ticket_events (ticket_id, account_id, actor_id, actor_name, kind, data, internal)
  values (p_ticket.id, p_ticket.account_id, p_actor, app.display_name(p_actor), p_kind, v_data, p_internal);
end $$;
revoke execute on function app.log_event(public.tickets, uuid, public.ticket_event_kind, jsonb, boolean) from public;

comment on column public.ticket_events.data is 'Facts of the event; exactly the keys app.ticket_event_kinds names for its kind (checked by app.log_event).';
