-- The platform extensions the product uses, created as on hosted Supabase: pg_net sends HTTP requests after
-- the transaction that queued them commits (net schema), pg_cron runs scheduled SQL (cron schema). Mail
-- delivery uses both (supabase/schemas/notifications/functions/app.request_mail_delivery.sql). The local
-- stack installs stand-ins for them (supabase/local/README.md, "pg_net, pg_cron and Vault").
create extension if not exists pg_net with schema extensions;
create extension if not exists pg_cron with schema pg_catalog;
