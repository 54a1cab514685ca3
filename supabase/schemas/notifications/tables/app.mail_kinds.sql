-- The mails the product sends, one row per kind (rows in notifications/data.sql). `audience` decides who may
-- choose a delivery for it (customers: customer kinds; engineers: staff kinds; admins: staff and admin kinds);
-- `optional = false` marks mails nobody can turn off (receipts, answers to a refused e-mail reply), which
-- say so in their footer.
create table app.mail_kinds (
  kind text not null,
  audience text not null,
  optional boolean not null,
  label text not null,
  description text not null,
  constraint mail_kinds_pkey PRIMARY KEY (kind),
  constraint mail_kinds_audience_check CHECK (audience = ANY (ARRAY['customer'::text, 'staff'::text, 'admin'::text, 'system'::text])),
  constraint mail_kinds_kind_check CHECK (kind ~ '^[a-z_]{1,40}$'::text),
  constraint mail_kinds_label_check CHECK (length(label) >= 1 AND length(label) <= 100),
  constraint mail_kinds_description_check CHECK (length(description) <= 500)
);

comment on table app.mail_kinds is 'Catalogue of mail kinds: who chooses its delivery (audience) and whether it can be turned off (optional).';

revoke all on table app.mail_kinds from anon, authenticated, service_role;
