-- The publication Realtime's Postgres Changes read, created empty as Supabase ships it: a project
-- enables a table with `alter publication supabase_realtime add table …`. Ensured on every start, so
-- databases made by an older stack get it too.
do $$
begin
  if not exists (select 1 from pg_publication where pubname = 'supabase_realtime') then
    create publication supabase_realtime;
    -- Adding a table to a publication takes owning both; migrations run as `postgres`, as on Supabase.
    alter publication supabase_realtime owner to postgres;
  end if;
end
$$;
