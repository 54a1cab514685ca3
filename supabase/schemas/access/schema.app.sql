create schema app;
comment on schema app is 'Private helpers for RLS policies and SQL functions; not exposed through the API.';
revoke all on schema app from public;
grant usage on schema app to authenticated;
grant usage on schema app to service_role;
