-- The `realtime` schema as Supabase Realtime's tenant migrations leave it: `realtime.messages` (the table
-- private-channel policies are written on, and the outbox of broadcasts from the database),
-- `realtime.topic()` for those policies, `realtime.send()` and `realtime.broadcast_changes()`.
-- Owned by `supabase_realtime_admin`, of which `postgres` is a member, so a project's migrations may
-- `create policy … on realtime.messages` as on hosted Supabase. Not partitioned (Realtime keeps daily
-- partitions for its 72-hour retention; the stack deletes older rows itself, realtime/retention.ts).
-- Runs as the bootstrap superuser on every start, so it is written to run again without harm.

do $$
begin
  if not exists (select 1 from pg_roles where rolname = 'supabase_realtime_admin') then
    create role supabase_realtime_admin nologin noinherit;
  end if;
end
$$;
grant supabase_realtime_admin to postgres;

create schema if not exists realtime authorization supabase_admin;
grant usage on schema realtime to postgres, anon, authenticated, service_role;
grant all on schema realtime to supabase_realtime_admin;

create table if not exists realtime.messages (
  id uuid not null default gen_random_uuid(),
  topic text not null,
  extension text not null,
  payload jsonb,
  binary_payload bytea,
  event text,
  private boolean default false,
  updated_at timestamp not null default now(),
  inserted_at timestamp not null default now(),
  primary key (id, inserted_at),
  check (payload is null or binary_payload is null)
);
create index if not exists messages_inserted_at_topic_index on realtime.messages (inserted_at desc, topic)
  where extension = 'broadcast' and private is true;
alter table realtime.messages enable row level security;
alter table realtime.messages owner to supabase_realtime_admin;
grant select, insert, update on realtime.messages to postgres, anon, authenticated, service_role;

create or replace function realtime.topic() returns text
language sql stable
as $$ select nullif(current_setting('realtime.topic', true), '')::text $$;
alter function realtime.topic() owner to supabase_realtime_admin;
grant execute on function realtime.topic() to postgres, anon, authenticated, service_role;

-- Never raises, as Realtime's: a broadcast that cannot be stored must not undo the caller's transaction.
create or replace function realtime.send(payload jsonb, event text, topic text, private boolean default true)
returns void
language plpgsql
set search_path = ''
as $$
declare
  generated_id uuid;
  final_payload jsonb;
begin
  begin
    generated_id := gen_random_uuid();
    final_payload := case when payload ? 'id' then payload else jsonb_set(payload, '{id}', to_jsonb(generated_id)) end;
    perform set_config('realtime.topic', topic, true);
    insert into realtime.messages (id, payload, event, topic, private, extension)
    values (generated_id, final_payload, event, topic, private, 'broadcast');
  exception when others then
    raise warning 'WarnSendingBroadcastMessage: %', sqlerrm;
  end;
end;
$$;
alter function realtime.send(jsonb, text, text, boolean) owner to supabase_realtime_admin;
grant execute on function realtime.send(jsonb, text, text, boolean) to postgres, anon, authenticated, service_role;

create or replace function realtime.broadcast_changes(
  topic_name text, event_name text, operation text, table_name text, table_schema text,
  new record, old record, level text default 'ROW'
) returns void
language plpgsql
set search_path = ''
as $$
declare
  row_data jsonb := '{}'::jsonb;
begin
  if level = 'STATEMENT' then
    raise exception 'function can only be triggered for each row, not for each statement';
  end if;
  if operation = 'INSERT' or operation = 'UPDATE' or operation = 'DELETE' then
    row_data := jsonb_build_object('old_record', old, 'record', new, 'operation', operation,
                                   'table', table_name, 'schema', table_schema);
    perform realtime.send(row_data, event_name, topic_name);
  else
    raise exception 'Unexpected operation type: %', operation;
  end if;
exception when others then
  raise exception 'Failed to process the row: %', sqlerrm;
end;
$$;
alter function realtime.broadcast_changes(text, text, text, text, text, record, record, text) owner to supabase_realtime_admin;
grant execute on function realtime.broadcast_changes(text, text, text, text, text, record, record, text)
  to postgres, anon, authenticated, service_role;

-- The stack's stand-in for Realtime's replication of this table: NOTIFY is delivered only at commit,
-- in commit order, and never for a rolled-back transaction or savepoint, which is exactly when
-- Realtime would see the row in the WAL. The payload is the row's id (the key leads with it); the service reads the row then.
create or replace function realtime.notify_message() returns trigger
language plpgsql
set search_path = ''
as $$
begin
  if new.extension = 'broadcast' and new.event is not null then
    perform pg_notify('realtime_messages', new.id::text);
  end if;
  return null;
end;
$$;
alter function realtime.notify_message() owner to supabase_realtime_admin;
revoke execute on function realtime.notify_message() from public, anon;
drop trigger if exists notify_message on realtime.messages;
create trigger notify_message after insert on realtime.messages
  for each row execute function realtime.notify_message();
